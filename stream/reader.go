package stream

import (
	"bufio"
	"bytes"
	"io"
)

// Message is one Server-Sent Event, or a comment line the server sent to
// keep the connection alive.
type Message struct {
	ID      string
	Event   string
	Data    []byte
	Comment string // set, alone, for a comment
	Retry   string // a retry: field, alone
}

// Reader reads Server-Sent Events as the WHATWG specification frames
// them: fields up to a blank line, data lines joined by newlines.
type Reader struct {
	r *bufio.Reader
}

// maxLine bounds one line, so that a broken server cannot grow a client
// without end; an event's envelope is far smaller.
const maxLine = 16 << 20

// NewReader reads events from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 64<<10)} }

// Next returns the next event or comment; io.EOF when the stream ends.
func (r *Reader) Next() (Message, error) {
	var m Message
	fields, data := false, false
	for {
		line, err := r.line()
		if err != nil {
			if err == io.EOF && fields {
				err = io.ErrUnexpectedEOF
			}
			return Message{}, err
		}
		if len(line) == 0 {
			if !fields {
				continue
			}
			return m, nil
		}
		if line[0] == ':' {
			if !fields {
				return Message{Comment: string(bytes.TrimPrefix(line[1:], []byte(" ")))}, nil
			}
			continue
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		fields = true
		switch string(name) { // compared without allocating
		case "id":
			m.ID = string(value)
		case "event":
			m.Event = string(value)
		case "data":
			if data {
				m.Data = append(m.Data, '\n')
			}
			m.Data = append(m.Data, value...)
			data = true
		case "retry":
			m.Retry = string(value)
		}
	}
}

// line returns the next line without its end, valid until the next read.
func (r *Reader) line() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Longer than the buffer: gather it, bounded.
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = r.r.ReadSlice('\n')
			long = append(long, line...)
			if len(long) > maxLine {
				return nil, bufio.ErrTooLong
			}
		}
		line = long
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			return trimEnd(line), nil // the last line, unterminated
		}
		return nil, err
	}
	return trimEnd(line), nil
}

func trimEnd(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}
