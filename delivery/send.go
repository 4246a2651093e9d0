package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"porter"
	"porter/webhook"
)

// send makes one attempt of d to sub and returns what came of it. It
// never fails: a refused target, a timeout or a reset is an attempt with
// an error, and a receiver's garbage is stored as it came, capped.
func (e *Engine) send(ctx context.Context, d *porter.QueuedDelivery, sub *porter.Subscription) *porter.Result {
	started := e.now()
	timeout := time.Duration(sub.TimeoutSeconds) * time.Second
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	body := sub.Body(d.Body) // in the webhook's payload_format
	h := webhook.Attempt{Event: d.EventType, EventID: d.EventID, AttemptID: d.LeaseToken, Timestamp: started,
		Secrets: sub.Secrets(started), Keys: sub.Keys(started), SignatureHeader: sub.SignatureHeader}.Header(body)
	for k, v := range sub.Headers {
		if h.Get(k) == "" { // Porter's own headers are not the subscriber's to change
			h.Set(k, v)
		}
	}
	if d.Test {
		h.Set("X-PM-Test", "1")
	}
	a := &porter.DeliveryAttempt{ID: d.LeaseToken, DeliveryID: d.ID, Number: d.Attempt, StartedAt: started, URL: sub.URL,
		RequestHeaders: flatten(h), ResponseHeaders: map[string]string{}}
	res := &porter.Result{Delivery: d, Attempt: a}

	if err := sub.OpenError(); err != nil {
		// Never sent unsigned; says nothing of whether the endpoint answers.
		a.Error = err.Error()
		a.DurationMS = since(started, e.now())
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = "invalid request: " + err.Error()
		a.DurationMS = since(started, e.now())
		return res
	}
	req.Header = h
	resp, err := e.cfg.Client.Do(req)
	if err != nil {
		a.Error = describe(err, ctx, timeout)
		a.DurationMS = since(started, e.now())
		// A refused target or a node shutting down says nothing of
		// whether the endpoint answers.
		if !webhook.IsTargetError(err) && !errors.Is(ctx.Err(), context.Canceled) {
			res.Outcome = porter.OutcomeUnreachable
		}
		return res
	}
	res.Outcome = porter.OutcomeAnswered
	status := resp.StatusCode
	a.ResponseStatus = &status
	a.ResponseHeaders = flatten(resp.Header)
	// Read no more than is kept: an endless body ends here, its
	// connection closed rather than drained.
	answer, err := io.ReadAll(io.LimitReader(resp.Body, porter.MaxResponseBody))
	resp.Body.Close()
	a.ResponseBody = string(answer)
	a.DurationMS = since(started, e.now())
	switch {
	case err != nil:
		a.Error = "reading the response: " + describe(err, ctx, timeout)
	case status >= 300:
		a.Error = fmt.Sprintf("HTTP %d", status)
		if status < 400 {
			a.Error += " (redirects are not followed)"
		}
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		res.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), e.now())
	}
	if status >= 200 && status < 300 && err != nil {
		// The receiver said yes; a body cut short does not change that.
		a.Error = ""
	}
	return res
}

func since(start, end time.Time) int64 { return max(end.Sub(start).Milliseconds(), 0) }

// describe is a transport error as a subscriber can act on it.
func describe(err error, ctx context.Context, timeout time.Duration) string {
	var ne net.Error
	switch {
	case webhook.IsTargetError(err):
		var te *webhook.TargetError
		errors.As(err, &te)
		return "refused target: " + te.Reason
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("timed out after %s", timeout)
	case errors.Is(ctx.Err(), context.Canceled):
		return "cancelled: the node shut down mid-attempt"
	}
	msg := err.Error()
	// url.Error repeats the method and URL, which the attempt already records.
	if i := strings.LastIndex(msg, "\": "); i >= 0 {
		msg = msg[i+3:]
	}
	return msg
}

// retryAfter parses Retry-After: seconds or an HTTP date; 0 if absent or bad.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(365*24*3600))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// flatten keeps one value per header, the values of a repeated one joined.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = strings.Join(vs, ", ")
	}
	return out
}
