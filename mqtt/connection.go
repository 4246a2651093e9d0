package mqtt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"porter"
)

// Connection bounds.
const (
	connectTimeout = 10 * time.Second
	keepAlive      = 30 * time.Second
	// queueSize is how many received messages wait to be applied; when it
	// is full the client stops reading, and the broker holds the rest.
	queueSize = 256
	// batchSize is the most messages applied together: readings among
	// them share one transaction, as a receiver call's do.
	batchSize = 100
	// drainTimeout bounds applying what was received once a stop begins.
	drainTimeout = 10 * time.Second
)

// connection is one integration's broker connection and the worker that
// applies its messages in the order they arrived.
type connection struct {
	s      *Subscriber
	sub    porter.MQTTSubscription
	client paho.Client
	msgs   chan paho.Message
	ctx    context.Context
	cancel context.CancelFunc
	done   sync.WaitGroup
	up     atomic.Bool

	// The connection's health as its integration shows it (see down).
	mu       sync.Mutex
	reportMu sync.Mutex // held while the state is recorded, so that records keep their order
	cause    error      // why it is down
	downT    *time.Timer
	reported bool // the integration was told it is down
	stopped  bool
}

func newConnection(s *Subscriber, sub porter.MQTTSubscription) *connection {
	ctx, cancel := context.WithCancel(context.Background())
	c := &connection{s: s, sub: sub, msgs: make(chan paho.Message, queueSize), ctx: ctx, cancel: cancel}
	opts := paho.NewClientOptions().
		AddBroker(sub.BrokerURL).
		SetClientID(sub.ClientID).
		SetUsername(sub.Username).
		SetPassword(sub.Password).
		// One node holds the subscription (a lease), so a clean session
		// loses nothing another node would have had; alarms that matter
		// are repeated or retained by the source.
		SetCleanSession(true).
		SetKeepAlive(keepAlive).
		SetConnectTimeout(connectTimeout).
		SetAutoReconnect(true).
		SetMaxReconnectInterval(s.cfg.MaxReconnect).
		// Messages are acknowledged once applied and logged, not on receipt.
		SetAutoAckDisabled(true).
		SetOrderMatters(true).
		SetCustomOpenConnectionFn(c.dial).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) {
			select {
			case c.msgs <- m:
			case <-c.ctx.Done():
			}
		}).
		SetOnConnectHandler(c.subscribe).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			c.up.Store(false)
			s.cfg.Logger.Warn("mqtt: connection lost; reconnecting", "integration", sub.IntegrationID, "err", err)
			c.down(fmt.Errorf("connection lost: %w", err))
		})
	c.client = paho.NewClient(opts)
	return c
}

// dial connects to the broker through the guard: every address is
// checked just before connect(2), as webhook deliveries' are.
func (c *connection) dial(uri *url.URL, _ paho.ClientOptions) (net.Conn, error) {
	host, port := uri.Hostname(), uri.Port()
	if port == "" {
		port = "1883"
		if uri.Scheme == "mqtts" {
			port = "8883"
		}
	}
	ctx, cancel := context.WithTimeout(c.ctx, connectTimeout)
	defer cancel()
	conn, err := c.s.cfg.Guard.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	if uri.Scheme != "mqtts" {
		return conn, nil
	}
	tc := tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", host, err)
	}
	return tc, nil
}

// subscribe runs on every (re)connection, in its own goroutine: a clean
// session starts with no subscription. A broker that does not answer is
// asked again; one that refuses a filter is logged, the others kept.
func (c *connection) subscribe(cl paho.Client) {
	filters := make(map[string]byte, len(c.sub.Topics))
	for _, t := range c.sub.Topics {
		filters[t.Filter] = byte(t.QoS)
	}
	wait := time.Second
	for cl.IsConnectionOpen() {
		tok := cl.SubscribeMultiple(filters, nil) // nil: the default handler picks each message's entity
		if tok.WaitTimeout(connectTimeout) && tok.Error() == nil {
			if st, ok := tok.(*paho.SubscribeToken); ok {
				for f, code := range st.Result() {
					if code == 0x80 {
						c.s.cfg.Logger.Error("mqtt: the broker refused a topic filter", "integration", c.sub.IntegrationID, "filter", f)
					}
				}
			}
			c.up.Store(true)
			c.upAgain()
			c.s.cfg.Logger.Info("mqtt: subscribed", "integration", c.sub.IntegrationID, "broker", redactedBroker(c.sub.BrokerURL),
				"topics", len(filters), "node", c.s.cfg.Node)
			return
		}
		c.s.cfg.Logger.Warn("mqtt: subscribe", "integration", c.sub.IntegrationID, "err", tok.Error(), "retry_in", wait.String())
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, c.s.cfg.MaxReconnect)
	}
}

func (c *connection) connected() bool { return c.up.Load() }

// start connects, retrying with backoff until it succeeds or the
// connection is stopped (paho then reconnects on its own), and applies
// the messages received.
func (c *connection) start() {
	c.down(errors.New("not connected yet"))
	c.done.Add(2)
	go func() {
		defer c.done.Done()
		wait := time.Second
		for {
			tok := c.client.Connect()
			tok.WaitTimeout(connectTimeout + time.Second)
			if tok.Error() == nil && c.client.IsConnectionOpen() {
				return
			}
			c.s.cfg.Logger.Warn("mqtt: connect", "integration", c.sub.IntegrationID, "broker", redactedBroker(c.sub.BrokerURL),
				"err", tok.Error(), "retry_in", wait.String())
			if err := tok.Error(); err != nil {
				c.down(err)
			}
			select {
			case <-c.ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, c.s.cfg.MaxReconnect)
		}
	}()
	go func() {
		defer c.done.Done()
		c.work()
	}()
}

// work applies messages in arrival order, up to batchSize at a time, and
// acknowledges each once it is logged.
func (c *connection) work() {
	for {
		var first paho.Message
		select {
		case first = <-c.msgs:
		case <-c.ctx.Done():
			return
		}
		c.apply(c.ctx, c.take(first))
	}
}

// take gathers first and whatever else is already waiting.
func (c *connection) take(first paho.Message) []paho.Message {
	batch := []paho.Message{first}
	for len(batch) < batchSize {
		select {
		case m := <-c.msgs:
			batch = append(batch, m)
		default:
			return batch
		}
	}
	return batch
}

func (c *connection) apply(ctx context.Context, batch []paho.Message) {
	now := time.Now().UTC()
	in := make([]porter.MQTTMessage, len(batch))
	for i, m := range batch {
		in[i] = porter.MQTTMessage{Topic: m.Topic(), Payload: m.Payload(), ReceivedAt: now}
	}
	if _, err := c.s.svc.ReceiveMQTTMessages(ctx, c.sub.OrgID, c.sub.IntegrationID, in); err != nil {
		// Not acknowledged: at QoS 1 the broker sends them again on the
		// next connection.
		c.s.cfg.Logger.Error("mqtt: apply messages", "integration", c.sub.IntegrationID, "messages", len(batch), "err", err)
		return
	}
	for _, m := range batch {
		m.Ack()
	}
}

// stop disconnects, then applies what was already received (bounded by
// drainTimeout) so that a clean shutdown loses nothing it acknowledged.
func (c *connection) stop() {
	c.up.Store(false)
	c.mu.Lock()
	c.stopped = true
	if c.downT != nil {
		c.downT.Stop()
		c.downT = nil
	}
	c.mu.Unlock()
	c.cancel()
	c.client.Disconnect(250)
	c.done.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	for {
		select {
		case m := <-c.msgs:
			c.apply(ctx, c.take(m))
		default:
			return
		}
	}
}

// down notes that the connection is not subscribed, for cause. Once it
// has been down for DownAfter, its integration is told (an error row in
// its log, status error, integration.failed): a broker that stays away
// shows where the property manager looks, not only in the server's log.
func (c *connection) down(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cause = cause
	if c.reported || c.downT != nil || c.stopped {
		return
	}
	c.downT = time.AfterFunc(c.s.cfg.DownAfter, func() {
		c.mu.Lock()
		if c.downT == nil || c.stopped { // up again, or stopping
			c.mu.Unlock()
			return
		}
		c.downT, c.reported = nil, true
		cause := c.cause
		c.reportMu.Lock()
		c.mu.Unlock()
		defer c.reportMu.Unlock()
		c.report(cause)
	})
}

// upAgain notes that the connection is subscribed: a down reported to the
// integration is resolved by a success row.
func (c *connection) upAgain() {
	c.mu.Lock()
	if c.downT != nil {
		c.downT.Stop()
		c.downT = nil
	}
	was := c.reported
	c.reported = false
	if was {
		c.reportMu.Lock()
	}
	c.mu.Unlock()
	if was {
		defer c.reportMu.Unlock()
		c.report(nil)
	}
}

func (c *connection) report(cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := c.s.svc.MQTTConnection(ctx, c.sub.OrgID, c.sub.IntegrationID, redactedBroker(c.sub.BrokerURL), cause); err != nil {
		c.s.cfg.Logger.Error("mqtt: record the connection's state", "integration", c.sub.IntegrationID, "err", err)
	}
}

// redactedBroker is a broker URL fit for logs.
func redactedBroker(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable broker URL)"
	}
	u.User = nil
	return u.String()
}
