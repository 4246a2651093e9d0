package stream_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"porter/stream"
)

func TestReaderFramesEvents(t *testing.T) {
	long := strings.Repeat("x", 100<<10) // longer than the reader's buffer
	for _, tc := range []struct {
		name, in string
		want     []stream.Message
		err      error
	}{
		{"one event", "id: evt_1_1\nevent: a.b\ndata: {}\n\n", []stream.Message{{ID: "evt_1_1", Event: "a.b", Data: []byte("{}")}}, io.EOF},
		{"CRLF and no space", "id:7\r\ndata:x\r\n\r\n", []stream.Message{{ID: "7", Data: []byte("x")}}, io.EOF},
		{"data lines joined", "data: a\ndata: b\n\n", []stream.Message{{Data: []byte("a\nb")}}, io.EOF},
		{"comment and retry", ": heartbeat\n\nretry: 2000\n\n", []stream.Message{{Comment: "heartbeat"}, {Retry: "2000"}}, io.EOF},
		{"a comment inside an event is skipped", "id: 1\n: note\ndata: d\n\n", []stream.Message{{ID: "1", Data: []byte("d")}}, io.EOF},
		{"a long line", "data: " + long + "\n\n", []stream.Message{{Data: []byte(long)}}, io.EOF},
		{"cut mid-event", "id: 1\ndata: d", nil, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd := stream.NewReader(strings.NewReader(tc.in))
			for i, want := range tc.want {
				got, err := rd.Next()
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if got.ID != want.ID || got.Event != want.Event || string(got.Data) != string(want.Data) || got.Comment != want.Comment || got.Retry != want.Retry {
					t.Fatalf("message %d: got %+v, want %+v", i, got, want)
				}
			}
			if _, err := rd.Next(); !errors.Is(err, tc.err) {
				t.Fatalf("at the end: %v, want %v", err, tc.err)
			}
		})
	}
}

// Whatever a server sends, the reader ends without panicking, and no
// event holds more than was sent.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"id: evt_1_1\nevent: a.b\ndata: {}\n\n",
		"retry: 2000\n\n: heartbeat\n\n",
		"data: a\r\ndata: b\r\n\r\nid:7\n",
		"event: disconnect\ndata: {\"reason\":\"slow\"}\n\n",
		":\n\n\n\ndata\n\nid\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := stream.NewReader(strings.NewReader(string(in)))
		seen := 0
		for range len(in) + 1 {
			m, err := rd.Next()
			if err != nil {
				return
			}
			if seen += len(m.ID) + len(m.Event) + len(m.Data) + len(m.Comment) + len(m.Retry); seen > len(in) {
				t.Fatalf("read %d bytes of fields from %d sent", seen, len(in))
			}
		}
		t.Fatalf("more messages than bytes sent (%d)", len(in))
	})
}
