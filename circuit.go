package porter

import "time"

// Circuit states of a webhook.
const (
	CircuitClosed   = "closed"    // deliveries go out
	CircuitOpen     = "open"      // deliveries wait, pending, until ProbeAt
	CircuitHalfOpen = "half_open" // one probe is in flight; the rest wait
)

// Circuit is a webhook's circuit breaker, stored with its health so that
// every node sees it. Only attempts that got no answer (a timeout, a
// refused or reset connection, a name that does not resolve) count
// against it: a 4xx or 5xx is the receiver talking, and costs a worker
// no longer than the receiver takes to say it.
type Circuit struct {
	State    string // "" reads as closed
	Failures int    // attempts in a row that got no answer
	Opens    int    // times opened since it last closed; the cool-down grows with it
	OpenedAt *time.Time
	// ProbeAt is, when open, when a probe may go; when half-open, when the
	// probe's lease lapses and another may go. Deliveries wait until then.
	ProbeAt    *time.Time
	ProbeToken string // half-open: the probe's attempt id
}

// Closed reports whether deliveries go out as usual.
func (c *Circuit) Closed() bool { return c.State == "" || c.State == CircuitClosed }

// CircuitPolicy decides when a circuit opens and how long it stays open.
type CircuitPolicy struct {
	Threshold   int           // attempts in a row without an answer that open it (3)
	Cooldown    time.Duration // before the first probe (30 s); doubles at each re-open
	MaxCooldown time.Duration // the longest cool-down (10 min)
}

// Defaults of a CircuitPolicy.
const (
	DefaultCircuitThreshold   = 3
	DefaultCircuitCooldown    = 30 * time.Second
	DefaultCircuitMaxCooldown = 10 * time.Minute
)

// DefaultCircuitPolicy is what the README documents.
func DefaultCircuitPolicy() CircuitPolicy {
	return CircuitPolicy{Threshold: DefaultCircuitThreshold, Cooldown: DefaultCircuitCooldown, MaxCooldown: DefaultCircuitMaxCooldown}
}

// cooldown is how long the circuit stays open after its opens-th opening.
func (p CircuitPolicy) cooldown(opens int) time.Duration {
	d := p.Cooldown
	for i := 1; i < opens && d < p.MaxCooldown; i++ {
		d *= 2
	}
	return min(d, p.MaxCooldown)
}

// Outcome is what one attempt says about an endpoint's reachability.
type Outcome int

const (
	OutcomeOther       Outcome = iota // says nothing: a refused target, a node shutting down
	OutcomeAnswered                   // an HTTP response, whatever its status
	OutcomeUnreachable                // no answer: timed out, refused, reset, unresolvable
)

// Observe moves the circuit on one attempt's outcome, the attempt being
// token, and returns the state it moved to, or "" if none. Any answer
// closes it: the endpoint is there. No answer opens a closed circuit after
// Threshold in a row; in half-open, the probe's failure re-opens it for a
// longer cool-down. Attempts that were in flight when it opened change
// nothing more.
func (c *Circuit) Observe(p CircuitPolicy, o Outcome, token string, now time.Time) string {
	switch o {
	case OutcomeAnswered:
		c.Failures = 0
		if c.Closed() {
			return ""
		}
		*c = Circuit{State: CircuitClosed}
		return CircuitClosed
	case OutcomeUnreachable:
		c.Failures++
		switch {
		case c.Closed() && c.Failures >= max(p.Threshold, 1):
			c.open(p, now)
			return CircuitOpen
		case c.State == CircuitHalfOpen && token != "" && token == c.ProbeToken:
			c.open(p, now)
			return CircuitOpen
		}
	}
	return ""
}

func (c *Circuit) open(p CircuitPolicy, now time.Time) {
	c.Opens++
	at, probe := now, now.Add(p.cooldown(c.Opens))
	c.State, c.OpenedAt, c.ProbeAt, c.ProbeToken = CircuitOpen, &at, &probe, ""
}

// ProbeDue reports whether a probe may be sent at now: the circuit is
// open and its cool-down is over, or half-open and its probe's lease has
// lapsed (the node sending it died).
func (c *Circuit) ProbeDue(now time.Time) bool {
	return !c.Closed() && (c.ProbeAt == nil || !c.ProbeAt.After(now))
}

// StartProbe records that attempt token probes the endpoint, leased until.
func (c *Circuit) StartProbe(token string, until time.Time) {
	c.State, c.ProbeToken, c.ProbeAt = CircuitHalfOpen, token, &until
}

// HoldUntil is when the circuit lets deliveries go again, if it is not closed.
func (c *Circuit) HoldUntil() (time.Time, bool) {
	if c.Closed() || c.ProbeAt == nil {
		return time.Time{}, false
	}
	return *c.ProbeAt, true
}
