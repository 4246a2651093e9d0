package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// arrival is one delivery the sink received: the event id (webhook-id),
// the record id in data.id, and when it arrived (Unix nanoseconds, the
// machine's one clock, which the load process reads too).
type arrival struct {
	Event  string `json:"e"`
	Record int64  `json:"r"`
	At     int64  `json:"t"`
}

// sinkStats is what GET /_stats returns.
type sinkStats struct {
	Deliveries int       `json:"deliveries"`
	Duplicates int       `json:"duplicates"` // event ids seen more than once
	Bare       int64     `json:"bare"`       // POST /bare requests
	Arrivals   []arrival `json:"arrivals,omitempty"`
}

// sink answers 204 to every POST: /hook is what Porter delivers to and
// is recorded; /bare is the bare loop's target, only counted.
type sink struct {
	mu       sync.Mutex
	seen     map[string]bool
	arrivals []arrival
	dups     int
	bare     int64
}

func runSink(stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	s := &sink{seen: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", s.hook)
	mux.HandleFunc("POST /bare", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.bare++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_stats", s.stats)
	mux.HandleFunc("POST /_reset", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.arrivals, s.bare = nil, 0
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	fmt.Fprintln(stdout, ln.Addr().String())
	return (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

func (s *sink) hook(w http.ResponseWriter, r *http.Request) {
	at := time.Now().UnixNano()
	body, _ := io.ReadAll(r.Body)
	var env struct {
		Data struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &env)
	id := r.Header.Get("webhook-id")
	s.mu.Lock()
	if s.seen[id] {
		s.dups++
	}
	s.seen[id] = true
	s.arrivals = append(s.arrivals, arrival{Event: id, Record: env.Data.ID, At: at})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// stats returns the counts, and the arrivals when ?arrivals=1.
func (s *sink) stats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := sinkStats{Deliveries: len(s.arrivals), Duplicates: s.dups, Bare: s.bare}
	if r.URL.Query().Get("arrivals") == "1" {
		st.Arrivals = append([]arrival(nil), s.arrivals...)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(st)
}
