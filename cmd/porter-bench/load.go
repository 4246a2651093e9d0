package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what a load process prints (JSON) when it is done.
type loadResult struct {
	Start, End int64   // Unix nanoseconds
	OK, Failed int     // answers 2xx, and anything else
	FirstError string  `json:",omitempty"`
	Latencies  []int64 `json:",omitempty"` // request→answer, nanoseconds
	// Commits are, per created record, when its 201 arrived (API runs).
	Commits map[int64]int64 `json:",omitempty"`
}

// runLoad is the load process: POSTs to urls (round robin) over conns
// keep-alive connections for a duration, as fast as they answer or at
// rate requests per second.
func runLoad(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	urls := fs.String("urls", "", "comma-separated URLs to POST to")
	key := fs.String("key", "", "API key (Bearer)")
	conns := fs.Int("connections", 50, "connections")
	duration := fs.Duration("duration", 10*time.Second, "how long")
	rate := fs.Int("rate", 0, "requests per second; 0 is unpaced")
	if err := fs.Parse(args); err != nil {
		return err
	}
	targets := strings.Split(*urls, ",")
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: *conns * 2, MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true,
	}}
	var (
		mu     sync.Mutex
		res    = loadResult{Commits: map[int64]int64{}}
		n      atomic.Int64
		record = func(start time.Time, resp *http.Response, err error) {
			end := time.Now()
			var body []byte
			if err == nil {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil || resp.StatusCode/100 != 2 {
				res.Failed++
				if res.FirstError == "" {
					if err != nil {
						res.FirstError = err.Error()
					} else {
						res.FirstError = fmt.Sprintf("%s: %.200s", resp.Status, body)
					}
				}
				return
			}
			res.OK++
			res.Latencies = append(res.Latencies, end.Sub(start).Nanoseconds())
			if *key != "" {
				var rec struct {
					Data struct {
						ID int64 `json:"id"`
					} `json:"data"`
				}
				if json.Unmarshal(body, &rec) == nil && rec.Data.ID != 0 {
					res.Commits[rec.Data.ID] = end.UnixNano()
				}
			}
		}
	)
	post := func() {
		i := n.Add(1)
		target := targets[int(i)%len(targets)]
		body := fmt.Sprintf(`{"name":"Bench property %d","address":"1 Main Street","city":"Springfield","postal_code":"12345","country":"US"}`, i)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		if *key != "" {
			req.Header.Set("Authorization", "Bearer "+*key)
		}
		start := time.Now()
		resp, err := client.Do(req)
		record(start, resp, err)
	}
	start := time.Now()
	deadline := start.Add(*duration)
	var wg sync.WaitGroup
	if *rate <= 0 {
		for range *conns {
			wg.Go(func() {
				for time.Now().Before(deadline) && ctx.Err() == nil {
					post()
				}
			})
		}
	} else {
		// Open loop: the i-th request is due at start + i/rate, whatever
		// the answers take, so a slow server sees the same arrivals.
		work := make(chan struct{}, *rate)
		for range *conns {
			wg.Go(func() {
				for range work {
					post()
				}
			})
		}
		interval := time.Second / time.Duration(*rate)
		for i := 0; ; i++ {
			due := start.Add(time.Duration(i) * interval)
			if !due.Before(deadline) || ctx.Err() != nil {
				break
			}
			time.Sleep(time.Until(due))
			work <- struct{}{}
		}
		close(work)
	}
	wg.Wait()
	res.Start, res.End = start.UnixNano(), time.Now().UnixNano()
	return json.NewEncoder(stdout).Encode(res)
}
