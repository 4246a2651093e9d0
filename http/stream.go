package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"porter"
	"porter/stream"
)

// DefaultStreamHeartbeat is how often an idle event stream sends a
// comment, so that proxies and clients know the connection lives.
const DefaultStreamHeartbeat = 15 * time.Second

// streamWriteTimeout cuts a client that stops reading: the hub has
// dropped it by then, and its connection must not hold a goroutine.
const streamWriteTimeout = 10 * time.Second

// replayPage is how many missed events one read of a resume takes.
const replayPage = 500

// streamBatchBytes is about how much of a live stream's backlog one write
// sends: big enough that a busy stream costs a syscall per many events.
const streamBatchBytes = 64 << 10

// streamParams are GET /v1/events/stream's query parameters.
var streamParams = []queryParam{
	{Name: "types", Type: "string", Description: "Comma-separated events to receive: names, aliases, `family.*` or `*` (default: every event the key's scopes allow)"},
	{Name: "last_event_id", Type: "string", Description: "Resume after this event id, as the Last-Event-ID header does (for clients that cannot set it)"},
}

// streamFilter parses types= into a matcher limited to the key's scopes.
// Naming one event the key may not see is 403, as GET /v1/events does.
func streamFilter(r *http.Request, key *porter.APIKey) (func(*porter.Event) bool, error) {
	var patterns []string
	for _, v := range r.URL.Query()["types"] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				patterns = append(patterns, p)
			}
		}
	}
	if len(patterns) == 0 {
		patterns = []string{"*"}
	}
	want := map[string]bool{}
	for _, p := range patterns {
		names, ok := porter.ExpandEventPattern(p)
		if !ok {
			return nil, porter.Errorf(porter.EINVALID, "types: %q is not a known event; see GET /api/triggers.php", p)
		}
		for _, n := range names {
			e, _ := porter.LookupEvent(n)
			if key.Allows(e.Scope) {
				want[n] = true
			} else if len(names) == 1 {
				return nil, &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + e.Scope + " scope for " + p}
			}
		}
	}
	return func(e *porter.Event) bool { return want[e.Type] }, nil
}

// handleEventStream sends the organization's events as Server-Sent Events
// as they commit. A client that reconnects with Last-Event-ID gets what it
// missed first, from the outbox, then the live events, each once.
func (s *Server) handleEventStream() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.cfg.Stream == nil {
			return porter.Errorf(porter.ENOTFOUND, "this node does not serve the event stream")
		}
		key := keyFrom(r)
		match, err := streamFilter(r, key)
		if err != nil {
			return err
		}
		after := int64(0)
		resume := r.Header.Get("Last-Event-ID")
		if resume == "" {
			resume = r.URL.Query().Get("last_event_id")
		}
		if resume != "" {
			seq, ok := porter.ParseEventID(resume)
			if !ok {
				return porter.Errorf(porter.EINVALID, "Last-Event-ID: %q is not an event id such as evt_1715261400_42", resume)
			}
			after = seq
		}
		rc := http.NewResponseController(w)
		// The server's read timeout bounds a request's upload; a stream
		// lasts as long as the client stays.
		if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		ctx := r.Context()
		org := key.OrgID
		sse := &sseWriter{w: w, rc: rc, http1: r.ProtoMajor == 1}

		// Catch up from the outbox before subscribing, so that a long
		// backlog never fills the live buffer.
		if after > 0 {
			if after, err = s.replay(sse, r, org, after, match, nil); err != nil {
				return sse.fail(err)
			}
		}
		sub, from, err := s.cfg.Stream.Subscribe(ctx, org, match)
		switch {
		case err != nil && sse.started: // mid-stream: say why, in the stream
			sse.disconnect(err.Error())
			return nil
		case errors.Is(err, stream.ErrTooMany):
			w.Header().Set("Retry-After", "5")
			return &porter.Error{Code: porter.ERATELIMIT, Message: err.Error() + "; close another stream first"}
		case err != nil:
			return err
		}
		defer s.cfg.Stream.Unsubscribe(sub)
		// What committed between the catch-up and the subscription; the
		// live events at or below from that were sent are skipped.
		sent := map[int64]bool{}
		if resume != "" {
			if _, err = s.replay(sse, r, org, after, match, func(seq int64) {
				if seq > from {
					sent[seq] = true
				}
			}); err != nil {
				return sse.fail(err)
			}
		}
		if !sse.started {
			sse.start()
		}
		beat := s.cfg.StreamHeartbeat
		if beat <= 0 {
			beat = DefaultStreamHeartbeat
		}
		heartbeat := time.NewTicker(beat)
		defer heartbeat.Stop()
		var frames []*stream.Frame
		var batch []byte
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-sub.Ready():
				// Everything waiting goes out as one write and one flush:
				// a busy stream costs a syscall per read of the outbox,
				// not per event.
				frames = sub.Take(frames[:0])
				if len(frames) == 0 {
					continue
				}
				batch = batch[:0]
				for _, f := range frames {
					if sent[f.Seq] {
						delete(sent, f.Seq)
						continue
					}
					b, err := f.SSE()
					if err != nil {
						return sse.fail(err)
					}
					batch = append(batch, b...)
					if len(batch) >= streamBatchBytes {
						if err := sse.write(batch); err != nil {
							return nil // the client is gone
						}
						batch = batch[:0]
					}
				}
				if err := sse.write(batch); err != nil {
					return nil
				}
				if err := sse.flush(); err != nil {
					return nil
				}
				clear(frames) // the events are not kept alive by an idle stream
				if cap(batch) > 2*streamBatchBytes {
					batch = nil // one burst's buffer is not kept for the stream's life
				}
			case <-sub.Done():
				if reason := sub.Reason(); reason != "" {
					sse.disconnect(reason)
				}
				return nil
			case <-heartbeat.C:
				if err := sse.comment("heartbeat"); err != nil {
					return nil
				}
			}
		}
	}
}

// replay sends org's events after after from the outbox, page by page,
// and returns the last sequence number it read.
func (s *Server) replay(sse *sseWriter, r *http.Request, org, after int64, match func(*porter.Event) bool, sent func(int64)) (int64, error) {
	for {
		evs, err := s.cfg.Stream.Feed().EventsAfter(r.Context(), org, after, nil, replayPage)
		if err != nil {
			return after, err
		}
		for _, e := range evs {
			after = e.Seq
			if !match(e) {
				continue
			}
			if err := sse.event(e); err != nil {
				return after, nil // the client is gone; the live loop ends too
			}
			if sent != nil {
				sent(e.Seq)
			}
		}
		if len(evs) < replayPage {
			return after, nil
		}
	}
}

// sseWriter writes Server-Sent Events, each flushed at once and under a
// write deadline.
type sseWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	http1   bool
	started bool
}

func (s *sseWriter) start() {
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	if s.http1 {
		// The stream ends with its connection, so its end needs no
		// framing: unchunked, a batch of events is one write to the
		// socket, not three (chunk size, data, chunk end).
		h.Set("Transfer-Encoding", "identity")
	}
	s.w.WriteHeader(http.StatusOK)
	// Clients reconnect after 2 s, sending Last-Event-ID.
	fmt.Fprint(s.w, "retry: 2000\n\n")
	s.flush()
	s.started = true
}

func (s *sseWriter) flush() error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	return s.rc.Flush()
}

// event writes and flushes one event.
func (s *sseWriter) event(e *porter.Event) error {
	b, err := stream.EncodeSSE(e)
	if err != nil {
		return err
	}
	if err := s.write(b); err != nil {
		return err
	}
	return s.flush()
}

// write writes an encoded message, unflushed.
func (s *sseWriter) write(b []byte) error {
	if !s.started {
		s.start()
	}
	_ = s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	_, err := s.w.Write(b)
	return err
}

func (s *sseWriter) comment(text string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return err
	}
	return s.flush()
}

// fail ends the stream on a server-side error: before the stream starts
// it is the route's error; after, the client hears why and reconnects.
func (s *sseWriter) fail(err error) error {
	if !s.started {
		return err
	}
	s.disconnect("the server could not read the outbox; reconnect with Last-Event-ID")
	return nil
}

// disconnect tells the client why the server ends the stream.
func (s *sseWriter) disconnect(reason string) {
	body, _ := json.Marshal(map[string]string{"reason": reason})
	_ = s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	if _, err := fmt.Fprintf(s.w, "event: disconnect\ndata: %s\n\n", body); err == nil {
		s.flush()
	}
}
