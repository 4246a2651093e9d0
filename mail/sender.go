// Package mail delivers the mail outbox. Messages are queued in the
// transactions that cause them (an invitation, a broadcast); a Sender
// claims due email messages across organizations and sends them over SMTP.
// Without an SMTP URL, or for SMS (no provider yet), messages stay queued
// and each is logged once.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"porter"
)

// Sender delivers queued email messages. Fields after NewSender may be
// adjusted before Run.
type Sender struct {
	Interval    time.Duration // between passes when the outbox is idle
	Batch       int           // messages claimed per pass
	Hold        time.Duration // how long a claim hides a message from other senders
	MaxAttempts int           // after this many failed attempts a message is failed for good
	Timeout     time.Duration // for one SMTP conversation step
	Now         func() time.Time

	store   porter.MailOutbox
	smtp    *smtpConfig // nil: keep mail in the outbox
	logger  *slog.Logger
	logged  map[string]int64 // channel ("" for all) -> highest id logged as kept
	pending map[string]int   // channel -> messages logged as kept by this process
}

type smtpConfig struct {
	addr     string // host:port
	host     string
	implicit bool // smtps://: TLS from the first byte
	user     string
	pass     string
	from     string
}

// NewSender returns a sender over store. smtpURL is
// smtp://user:pass@host:port?from=addr (STARTTLS when the server offers
// it) or smtps://… (TLS from the start); "" keeps mail in the outbox.
func NewSender(store porter.MailOutbox, smtpURL string, logger *slog.Logger) (*Sender, error) {
	if logger == nil {
		logger = slog.Default()
	}
	s := &Sender{
		Interval: 5 * time.Second, Batch: 50, Hold: 10 * time.Minute, MaxAttempts: 5, Timeout: time.Minute,
		Now: time.Now, store: store, logger: logger, logged: map[string]int64{}, pending: map[string]int{},
	}
	if smtpURL != "" {
		c, err := parseSMTPURL(smtpURL)
		if err != nil {
			return nil, err
		}
		s.smtp = c
	}
	return s, nil
}

func parseSMTPURL(raw string) (*smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("PORTER_SMTP_URL: %v", err)
	}
	c := &smtpConfig{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		c.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("PORTER_SMTP_URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if c.host == "" {
		return nil, errors.New("PORTER_SMTP_URL needs a host: smtp://user:pass@host:port?from=addr")
	}
	c.addr = net.JoinHostPort(c.host, port)
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	c.from = u.Query().Get("from")
	if c.from == "" && strings.Contains(c.user, "@") {
		c.from = c.user
	}
	if c.from == "" {
		return nil, errors.New("PORTER_SMTP_URL needs a sender address: add ?from=porter@example.com")
	}
	if a, err := mail.ParseAddress(c.from); err != nil {
		return nil, fmt.Errorf("PORTER_SMTP_URL: from=%q is not an email address", c.from)
	} else {
		c.from = a.Address
	}
	return c, nil
}

// Run sends until ctx is done.
func (s *Sender) Run(ctx context.Context) error {
	for {
		n, err := s.Tick(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger.Error("mail: pass failed", "err", err)
		}
		wait := s.Interval
		if n > 0 && err == nil {
			wait = 0 // a full outbox drains without pausing
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// Tick makes one pass: it logs newly queued messages that cannot be sent
// and sends one batch of due email. It returns how many it tried to send.
func (s *Sender) Tick(ctx context.Context) (int, error) {
	if s.smtp == nil {
		return 0, s.logKept(ctx, "", "PORTER_SMTP_URL is not set")
	}
	if err := s.logKept(ctx, "sms", "no SMS provider is configured"); err != nil {
		return 0, err
	}
	now := s.Now().UTC()
	msgs, err := s.store.ClaimMessages(ctx, "email", now, now.Add(s.Hold), s.Batch)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	s.sendBatch(ctx, msgs)
	return len(msgs), nil
}

// smtpHint is how to make kept email go out.
const smtpHint = "set PORTER_SMTP_URL=smtp://user:pass@host:587?from=porter@example.com to send email"

// logKept logs the messages of channel ("" for every channel) that stay in
// the outbox: the first pass one line with how many wait (not one line per
// message: a restart would repeat the whole outbox), later passes one line
// for those queued since. Bodies are never logged: they hold invitation links.
func (s *Sender) logKept(ctx context.Context, channel, why string) error {
	after, started := s.logged[channel]
	var n int
	var last *porter.Message
	for {
		msgs, err := s.store.QueuedMessages(ctx, channel, after, 100)
		if err != nil {
			return err
		}
		n += len(msgs)
		if len(msgs) > 0 {
			last = msgs[len(msgs)-1]
			after = last.ID
		}
		if len(msgs) < 100 {
			break
		}
	}
	s.logged[channel] = after
	s.pending[channel] += n
	label := channel
	if channel == "" {
		label = "all"
	}
	switch {
	case !started && (n > 0 || channel == ""):
		args := []any{"pending", n, "channel", label}
		if channel == "" {
			args = append(args, "hint", smtpHint)
		}
		s.logger.Info("mail: "+why+"; messages stay in the outbox", args...)
	case n == 1:
		s.logger.Info("mail: message kept in the outbox, "+why,
			"message_id", last.ID, "org_id", last.OrgID, "channel", last.Channel, "to", last.To, "subject", last.Subject, "pending", s.pending[channel])
	case n > 1:
		s.logger.Info("mail: messages kept in the outbox, "+why, "new", n, "pending", s.pending[channel], "channel", label)
	}
	return nil
}

// sendBatch sends claimed messages over one SMTP connection, dialling
// again after a connection fails.
func (s *Sender) sendBatch(ctx context.Context, msgs []*porter.Message) {
	var c *smtp.Client
	var conn net.Conn
	defer func() {
		if c != nil {
			_ = c.Quit()
			c.Close()
		}
	}()
	for i, m := range msgs {
		if c == nil {
			var err error
			c, conn, err = s.dial()
			if err != nil {
				s.logger.Warn("mail: cannot reach the SMTP server", "addr", s.smtp.addr, "err", err)
				for _, rest := range msgs[i:] {
					s.failed(ctx, rest, err, false)
				}
				return
			}
		}
		_ = conn.SetDeadline(time.Now().Add(s.Timeout))
		err := s.deliver(c, m)
		if err == nil {
			if err := s.store.MarkMessageSent(ctx, m.ID, s.Now().UTC()); err != nil {
				s.logger.Error("mail: sent but not recorded", "message_id", m.ID, "err", err)
			}
			continue
		}
		var reply *textproto.Error
		isReply := errors.As(err, &reply)
		s.failed(ctx, m, err, isReply && reply.Code >= 500)
		if isReply {
			if c.Reset() == nil {
				continue
			}
		}
		c.Close()
		c = nil
	}
}

// failed records a failed attempt: permanent failures and the last allowed
// attempt are final; others are retried later, backing off.
func (s *Sender) failed(ctx context.Context, m *porter.Message, err error, permanent bool) {
	var retryAt *time.Time
	if !permanent && m.Attempts < s.MaxAttempts {
		t := s.Now().UTC().Add(backoff(m.Attempts))
		retryAt = &t
	}
	s.logger.Warn("mail: send failed", "message_id", m.ID, "to", m.To, "attempt", m.Attempts, "retry", retryAt != nil, "err", err)
	if err := s.store.MarkMessageFailed(ctx, m.ID, err.Error(), retryAt); err != nil {
		s.logger.Error("mail: failure not recorded", "message_id", m.ID, "err", err)
	}
}

// backoff is the wait after the nth failed attempt: 1, 4, 16, 64 minutes…
// at most six hours.
func backoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 4
	}
	return min(d, 6*time.Hour)
}

func (s *Sender) dial() (*smtp.Client, net.Conn, error) {
	cfg := s.smtp
	d := net.Dialer{Timeout: s.Timeout}
	var conn net.Conn
	var err error
	if cfg.implicit {
		conn, err = tls.DialWithDialer(&d, "tcp", cfg.addr, &tls.Config{ServerName: cfg.host})
	} else {
		conn, err = d.Dial("tcp", cfg.addr)
	}
	if err != nil {
		return nil, nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(s.Timeout))
	c, err := smtp.NewClient(conn, cfg.host)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	fail := func(err error) (*smtp.Client, net.Conn, error) {
		c.Close()
		return nil, nil, err
	}
	if err := c.Hello("localhost"); err != nil {
		return fail(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !cfg.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: cfg.host}); err != nil {
			return fail(fmt.Errorf("starttls: %w", err))
		}
	}
	if cfg.user != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fail(errors.New("the SMTP URL has credentials but the server offers no AUTH"))
		}
		// PlainAuth refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", cfg.user, cfg.pass, cfg.host)); err != nil {
			return fail(fmt.Errorf("smtp auth: %w", err))
		}
	}
	return c, conn, nil
}

// deliver sends one message on an open connection.
func (s *Sender) deliver(c *smtp.Client, m *porter.Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return &textproto.Error{Code: 501, Msg: fmt.Sprintf("recipient %q is not an email address", m.To)}
	}
	if err := c.Mail(s.smtp.from); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.compose(m, to.Address)); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// compose writes a plain-text UTF-8 message. Header values are Q-encoded
// when they need it, which also keeps CR and LF out of the headers.
func (s *Sender) compose(m *porter.Message, to string) []byte {
	var b strings.Builder
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	domain := s.smtp.from[strings.LastIndex(s.smtp.from, "@")+1:]
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.smtp.from)
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", s.Now().UTC().Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<porter.%d.%s@%s>", m.ID, hex.EncodeToString(id), domain))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(m.Body))
	_ = qp.Close()
	return []byte(b.String())
}
