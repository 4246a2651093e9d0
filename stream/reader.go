package stream

import (
	"bufio"
	"bytes"
	"io"
	"strings"
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
	var data [][]byte
	fields := false
	for {
		line, err := r.line()
		if err != nil {
			if err == io.EOF && fields {
				err = io.ErrUnexpectedEOF
			}
			return Message{}, err
		}
		if line == "" {
			if !fields {
				continue
			}
			m.Data = bytes.Join(data, []byte("\n"))
			return m, nil
		}
		if c, ok := strings.CutPrefix(line, ":"); ok {
			if !fields {
				return Message{Comment: strings.TrimPrefix(c, " ")}, nil
			}
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		fields = true
		switch name {
		case "id":
			m.ID = value
		case "event":
			m.Event = value
		case "data":
			data = append(data, []byte(value))
		case "retry":
			m.Retry = value
		}
	}
}

func (r *Reader) line() (string, error) {
	var b []byte
	for {
		chunk, more, err := r.r.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxLine {
			return "", bufio.ErrTooLong
		}
		if !more {
			return string(b), nil
		}
	}
}
