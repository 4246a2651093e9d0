package porter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MQTT (issue 11, BMS / IoT): a bms or iot integration may subscribe to a
// broker instead of (or as well as) being pushed to. Each topic filter
// names the source entity its messages are; a message's JSON payload is
// the record's data, and it is mapped, applied and logged exactly as a
// record posted to the receiver is. The connection itself is held by the
// mqtt package on one node at a time (a lease on the subscription row).

// IntegrationMQTT is an integration's broker subscription, as shown.
type IntegrationMQTT struct {
	BrokerURL   string      `json:"broker_url" doc:"mqtt://host:port or mqtts://host:port (TLS); 1883 and 8883 when no port is given"`
	Username    string      `json:"username"`
	HasPassword bool        `json:"has_password" doc:"Whether a password is stored; it is never returned"`
	Topics      []MQTTTopic `json:"topics"`
	ClientID    string      `json:"client_id" doc:"The MQTT client id Porter connects with; the broker's ACLs can name it"`
	HeldBy      string      `json:"held_by" doc:"The Porter node holding the subscription, while its lease runs; empty when none does"`
	HeldUntil   *time.Time  `json:"held_until" doc:"When the holding node's lease ends unless renewed (every few seconds)"`

	IntegrationID  int64     `json:"-"`
	PasswordSealed []byte    `json:"-"`
	UpdatedAt      time.Time `json:"-"`
}

// MQTTTopic maps one topic filter to a source entity.
type MQTTTopic struct {
	Filter   string `json:"filter" doc:"An MQTT topic filter: levels separated by /, + matches one level, # (last) any number"`
	Entity   string `json:"entity" doc:"The source entity its messages are: a key of mapping.entities (e.g. alarm, reading)"`
	QoS      int    `json:"qos" doc:"0 or 1 (default 1): 1 acknowledges a message only once it is applied and logged"`
	SourceID string `json:"source_id,omitempty" doc:"Where the record id is in the payload (a dotted path, e.g. event_id); absent or missing, the id is the topic and the time Porter received it"`
}

// IntegrationMQTTInput sets an integration's subscription. On PATCH it
// replaces the whole subscription, except that a password left out keeps
// the stored one; broker_url "" removes the subscription.
type IntegrationMQTTInput struct {
	BrokerURL string      `json:"broker_url" doc:"mqtt://host[:port] or mqtts://host[:port]; passes the same guard as webhook URLs. \"\" on PATCH removes the subscription"`
	Username  string      `json:"username"`
	Password  *string     `json:"password" doc:"Write-only, sealed at rest; left out on PATCH keeps the stored one, \"\" removes it"`
	Topics    []MQTTTopic `json:"topics" doc:"1 to 50 topic filters, each mapped to a source entity; the first that matches a message decides"`
}

// IntegrationMQTTTx stores subscriptions and their leases.
type IntegrationMQTTTx interface {
	// IntegrationForUpdate is Integration, locking the row until the
	// transaction ends where the engine has concurrent writers: the
	// status refresh after each batch of messages and an edit of the
	// integration must not overwrite each other.
	IntegrationForUpdate(ctx context.Context, id int64) (*Integration, error)
	IntegrationMQTT(ctx context.Context, integrationID int64) (*IntegrationMQTT, error)
	// IntegrationMQTTs lists the subscriptions of the organization's
	// integrations; enabledOnly keeps those whose integration is enabled.
	IntegrationMQTTs(ctx context.Context, enabledOnly bool) ([]*IntegrationMQTT, error)
	// PutIntegrationMQTT inserts or replaces a subscription, keeping its lease.
	PutIntegrationMQTT(ctx context.Context, m *IntegrationMQTT) error
	DeleteIntegrationMQTT(ctx context.Context, integrationID int64) error
	// ClaimIntegrationMQTT leases the subscription to node until until, if
	// no other node holds an unexpired lease; it reports whether node holds it.
	ClaimIntegrationMQTT(ctx context.Context, integrationID int64, node string, now, until time.Time) (bool, error)
	ReleaseIntegrationMQTT(ctx context.Context, integrationID int64, node string) error
}

// MQTT bounds.
const (
	maxMQTTTopics   = 50
	maxMQTTFilter   = 1024
	maxMQTTUsername = 256
	maxMQTTPassword = 4096
	// MQTTDefaultQoS is a topic's QoS when it names none.
	MQTTDefaultQoS = 1
)

// mqttIntegration: the types that may subscribe to a broker.
func mqttIntegration(typ string) bool { return typ == IntegrationBMS || typ == IntegrationIoT }

// validateBrokerURL checks a broker URL's form; the guard checks its host.
func validateBrokerURL(v *Validation, raw string) {
	const field = "mqtt.broker_url"
	if len(raw) > maxWebhookURL {
		v.Add(field, "must be at most %d characters", maxWebhookURL)
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Opaque != "":
		v.Add(field, "is not a URL: want mqtt://host:port or mqtts://host:port")
	case u.Scheme != "mqtt" && u.Scheme != "mqtts":
		v.Add(field, "must use mqtt or mqtts, not %q", u.Scheme)
	case u.Hostname() == "":
		v.Add(field, "must name a host, e.g. mqtt://broker.example.com:1883")
	case u.User != nil:
		v.Add(field, "must not contain credentials: send them as mqtt.username and mqtt.password, which are sealed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		v.Add(field, "must be only scheme, host and port (no path, query or fragment)")
	default:
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				v.Add(field, "port must be between 1 and 65535")
			}
		}
	}
}

// validateTopicFilter says what is wrong with an MQTT topic filter, or "".
func validateTopicFilter(f string) string {
	switch {
	case f == "":
		return "is required"
	case len(f) > maxMQTTFilter:
		return fmt.Sprintf("must be at most %d bytes", maxMQTTFilter)
	case !utf8.ValidString(f) || strings.ContainsRune(f, 0):
		return "must be UTF-8 text without NUL"
	case strings.HasPrefix(f, "$share/") || strings.HasPrefix(f, "$queue/"):
		return "must not be a shared subscription: Porter holds each integration's subscription on one node itself"
	}
	levels := strings.Split(f, "/")
	for i, l := range levels {
		if strings.Contains(l, "#") && (l != "#" || i != len(levels)-1) {
			return fmt.Sprintf("'%s' is not a valid filter: # must be a whole level and the last one, e.g. bms/#", f)
		}
		if strings.Contains(l, "+") && l != "+" {
			return fmt.Sprintf("'%s' is not a valid filter: + must be a whole level, e.g. bms/+/alarm", f)
		}
	}
	return ""
}

// validate checks a subscription against the integration it belongs to.
func (m *IntegrationMQTT) validate(v *Validation, it *Integration) {
	if !mqttIntegration(it.Type) {
		v.Add("mqtt", "only bms and iot integrations subscribe to a broker, not %s", it.Type)
		return
	}
	validateBrokerURL(v, m.BrokerURL)
	if len(m.Username) > maxMQTTUsername {
		v.Add("mqtt.username", "must be at most %d characters", maxMQTTUsername)
	}
	if len(m.Topics) == 0 || len(m.Topics) > maxMQTTTopics {
		v.Add("mqtt.topics", "must list 1 to %d topic filters, each with an entity", maxMQTTTopics)
	}
	seen := map[string]bool{}
	for i := range m.Topics {
		t := &m.Topics[i]
		at := fmt.Sprintf("mqtt.topics[%d]", i)
		t.Filter, t.Entity, t.SourceID = strings.TrimSpace(t.Filter), strings.TrimSpace(t.Entity), strings.TrimSpace(t.SourceID)
		if msg := validateTopicFilter(t.Filter); msg != "" {
			v.Add(at+".filter", "%s", msg)
		} else if seen[t.Filter] {
			v.Add(at+".filter", "'%s' is listed twice", t.Filter)
		}
		seen[t.Filter] = true
		if t.Entity == "" {
			v.Add(at+".entity", "is required: the key of mapping.entities its messages are")
		} else if it.Mapping.Entities[t.Entity] == nil {
			v.Add(at+".entity", "'%s' has no mapping: add it to mapping.entities", t.Entity)
		}
		if t.QoS < 0 || t.QoS > 1 {
			v.Add(at+".qos", "must be 0 or 1")
		}
		if len(t.SourceID) > 200 {
			v.Add(at+".source_id", "must be a payload path of at most 200 characters")
		}
	}
}

// mqttClientID is the client id an integration connects with: stable, so
// that a broker drops an old connection of it when a new one comes.
func mqttClientID(orgID, id int64) string { return fmt.Sprintf("porter-%d-%d", orgID, id) }

// brokerCheckURL is the broker's address as the guard checks URLs.
func brokerCheckURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return "http://" + u.Host + "/"
}

// prepareMQTT validates the form of an mqtt input and runs the guard on
// its broker, before any transaction (the guard may resolve names). It
// returns the sealed password (nil when the input has none).
func (s *Service) prepareMQTT(ctx context.Context, in *IntegrationMQTTInput) ([]byte, error) {
	if in == nil || in.BrokerURL == "" {
		return nil, nil
	}
	var v Validation
	validateBrokerURL(&v, in.BrokerURL)
	if in.Password != nil && len(*in.Password) > maxMQTTPassword {
		v.Add("mqtt.password", "must be at most %d characters", maxMQTTPassword)
	}
	if err := v.Err(); err != nil {
		return nil, mqttInvalid(err)
	}
	if err := s.checkIntegrationURL(ctx, "mqtt.broker_url", brokerCheckURL(in.BrokerURL)); err != nil {
		return nil, mqttInvalid(err)
	}
	if in.Password == nil || *in.Password == "" {
		return nil, nil
	}
	if s.Secrets == nil {
		return nil, fmt.Errorf("mqtt password: no secret box configured")
	}
	return s.Secrets.Seal(*in.Password)
}

// mqttInvalid makes a subscription's validation error a 422, as the
// mapping's are: the request is well formed, the subscription it
// describes cannot work.
func mqttInvalid(err error) error {
	if e, ok := err.(*Error); ok && e.Code == EINVALID {
		e.Code = EUNPROCESS
		e.Message = "the MQTT subscription is not valid: " + e.Message
	}
	return err
}

// putMQTT writes an integration's subscription as the input sets it, in
// the transaction that creates or edits the integration, and shows it on
// it. in nil leaves it alone; broker_url "" removes it.
func putMQTT(ctx context.Context, tx Tx, now time.Time, it *Integration, in *IntegrationMQTTInput, sealed []byte) error {
	old, err := tx.IntegrationMQTT(ctx, it.ID)
	if ErrorCode(err) == ENOTFOUND {
		old = nil
	} else if err != nil {
		return err
	}
	if in == nil {
		if old != nil {
			// The mapping may have changed: its topics must still name entities.
			var v Validation
			old.validate(&v, it)
			if err := v.Err(); err != nil {
				return mqttInvalid(err)
			}
		}
		it.MQTT = old
		return nil
	}
	if in.BrokerURL == "" {
		it.MQTT = nil
		if old == nil {
			return nil
		}
		audited(tx, "integration", it.ID, map[string]any{"mqtt": old}, map[string]any{"mqtt": nil})
		return tx.DeleteIntegrationMQTT(ctx, it.ID)
	}
	m := &IntegrationMQTT{IntegrationID: it.ID, BrokerURL: in.BrokerURL, Username: strings.TrimSpace(in.Username),
		Topics: append([]MQTTTopic(nil), in.Topics...), UpdatedAt: now}
	switch {
	case in.Password == nil && old != nil:
		m.PasswordSealed = old.PasswordSealed
	case in.Password != nil && *in.Password != "":
		m.PasswordSealed = sealed
	}
	var v Validation
	m.validate(&v, it)
	if err := v.Err(); err != nil {
		return mqttInvalid(err)
	}
	m.HasPassword = len(m.PasswordSealed) > 0
	m.ClientID = mqttClientID(tx.OrgID(), it.ID)
	if err := tx.PutIntegrationMQTT(ctx, m); err != nil {
		return fmt.Errorf("put integration mqtt: %w", err)
	}
	if old != nil {
		m.HeldBy, m.HeldUntil = old.HeldBy, old.HeldUntil
	}
	audited(tx, "integration", it.ID, map[string]any{"mqtt": old}, map[string]any{"mqtt": m})
	it.MQTT = m
	return nil
}

// UnmarshalJSON reads a topic, qos 1 when left out, refusing unknown keys.
func (t *MQTTTopic) UnmarshalJSON(b []byte) error {
	type plain MQTTTopic
	p := plain{QoS: MQTTDefaultQoS}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return err
	}
	*t = MQTTTopic(p)
	return nil
}

// attachMQTT shows each integration's subscription on it.
func attachMQTT(ctx context.Context, tx Tx, its ...*Integration) error {
	if len(its) == 0 {
		return nil
	}
	if len(its) == 1 {
		m, err := tx.IntegrationMQTT(ctx, its[0].ID)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		its[0].MQTT = m
		return nil
	}
	all, err := tx.IntegrationMQTTs(ctx, false)
	if err != nil {
		return err
	}
	byID := map[int64]*IntegrationMQTT{}
	for _, m := range all {
		byID[m.IntegrationID] = m
	}
	for _, it := range its {
		it.MQTT = byID[it.ID]
	}
	return nil
}

// MQTTSubscription is what a node needs to hold one integration's
// subscription, its password opened.
type MQTTSubscription struct {
	OrgID         int64
	IntegrationID int64
	BrokerURL     string
	Username      string
	Password      string
	ClientID      string
	Topics        []MQTTTopic
}

// Same reports whether a connection made for s serves t unchanged.
func (s MQTTSubscription) Same(t MQTTSubscription) bool {
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(t)
	return string(a) == string(b)
}

// MQTTSubscriptions lists the subscriptions of every enabled integration,
// in every organization, for the nodes to hold.
func (s *Service) MQTTSubscriptions(ctx context.Context) ([]MQTTSubscription, error) {
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return nil, err
	}
	var out []MQTTSubscription
	for _, org := range orgs {
		var ms []*IntegrationMQTT
		err := s.Store.View(ctx, org.ID, func(tx Tx) error {
			var err error
			ms, err = tx.IntegrationMQTTs(ctx, true)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("mqtt subscriptions: %w", err)
		}
		for _, m := range ms {
			sub := MQTTSubscription{OrgID: org.ID, IntegrationID: m.IntegrationID, BrokerURL: m.BrokerURL,
				Username: m.Username, ClientID: mqttClientID(org.ID, m.IntegrationID), Topics: m.Topics}
			if len(m.PasswordSealed) > 0 {
				if s.Secrets == nil {
					return nil, fmt.Errorf("mqtt subscriptions: no secret box configured")
				}
				if sub.Password, err = s.Secrets.Open(m.PasswordSealed); err != nil {
					return nil, fmt.Errorf("mqtt subscriptions: open password of integration %d: %w", m.IntegrationID, err)
				}
			}
			out = append(out, sub)
		}
	}
	return out, nil
}

// ClaimMQTTSubscription takes or renews node's lease on an integration's
// subscription for ttl; false when another node holds it.
func (s *Service) ClaimMQTTSubscription(ctx context.Context, orgID, id int64, node string, ttl time.Duration) (bool, error) {
	var ok bool
	err := s.Store.Update(ctx, orgID, func(tx Tx) error {
		now := s.Now().UTC()
		var err error
		ok, err = tx.ClaimIntegrationMQTT(ctx, id, node, now, now.Add(ttl))
		return err
	})
	return ok, err
}

// ReleaseMQTTSubscription gives node's lease up, so that another node may
// take the subscription at once.
func (s *Service) ReleaseMQTTSubscription(ctx context.Context, orgID, id int64, node string) error {
	return s.Store.Update(ctx, orgID, func(tx Tx) error { return tx.ReleaseIntegrationMQTT(ctx, id, node) })
}

// MQTTMessage is one message a subscription received.
type MQTTMessage struct {
	Topic      string
	Payload    []byte
	ReceivedAt time.Time
}

// mqttEnvelope is the record a message becomes, as the log keeps it (and
// Retry Failed replays it): the topic's entity, the record id, the topic
// (readable in mappings as $.topic) and the payload as data.
type mqttEnvelope struct {
	Entity string          `json:"entity"`
	ID     string          `json:"id"`
	Topic  string          `json:"topic"`
	Data   json.RawMessage `json:"data"`
}

// matchTopic reports whether an MQTT topic matches a filter.
func matchTopic(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && !strings.HasPrefix(filter, "$") {
		return false // wildcards never match $SYS-style topics
	}
	f, t := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, l := range f {
		if l == "#" {
			return true
		}
		if i >= len(t) || (l != "+" && l != t[i]) {
			return false
		}
	}
	return len(f) == len(t)
}

// mqttRecord turns a message into a receiver record, or says why it
// cannot be one.
func mqttRecord(topics []MQTTTopic, m MQTTMessage) (json.RawMessage, string, string, error) {
	var t *MQTTTopic
	for i := range topics {
		if matchTopic(topics[i].Filter, m.Topic) {
			t = &topics[i]
			break
		}
	}
	fallback := m.Topic + "@" + m.ReceivedAt.UTC().Format(time.RFC3339Nano)
	if t == nil {
		return nil, "", m.Topic, Errorf(EUNPROCESS, "topic %s matches none of the integration's topic filters", m.Topic)
	}
	d := json.NewDecoder(strings.NewReader(string(m.Payload)))
	d.UseNumber()
	var data map[string]any
	if err := d.Decode(&data); err != nil || data == nil || d.More() {
		// Logged under the topic itself: the next message on it that
		// applies resolves this error (resolveMQTTErrors).
		return nil, t.Entity, m.Topic, Errorf(EUNPROCESS, "the message on topic %s is not a JSON object: publish one, e.g. {\"kind\": \"leak\", \"state\": \"active\"}", m.Topic)
	}
	id := ""
	if t.SourceID != "" {
		v, _ := lookupPath(map[string]any{"data": data}, t.SourceID)
		id = mappingString(v)
	}
	if id == "" {
		id = fallback
	}
	raw, err := json.Marshal(mqttEnvelope{Entity: t.Entity, ID: id, Topic: m.Topic, Data: m.Payload})
	if err != nil {
		return nil, t.Entity, id, err
	}
	return raw, t.Entity, id, nil
}

// MQTTEntity is the integration log's entity for an MQTT integration's
// broker connection.
const MQTTEntity = "_mqtt"

// MQTTConnection records the state of an integration's broker connection,
// as the node holding it sees it: cause is why it has been down for a
// while (nil: subscribed again). Down is an error row in the integration's
// log and turns it to error, with integration.failed and the admins' mail,
// as a failed poll does; the next subscription's success row resolves it.
func (s *Service) MQTTConnection(ctx context.Context, orgID, id int64, broker string, cause error) error {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return err
	}
	var call callResult
	lastErr := ""
	if cause != nil {
		call.err = fmt.Sprintf("mqtt broker %s: %v; reconnecting", broker, cause)
		lastErr = call.err
	}
	s.logCall(ctx, orgID, it, MQTTEntity, "CONNECT "+broker, call, nil)
	_, err = s.refreshIntegration(ctx, orgID, id, lastErr, false)
	return err
}

// ReceiveMQTTMessages applies the messages a subscription received, in
// order, as the receiver applies a call's records: readings batched, the
// rest each in its own transaction, one log row per message. A message
// that is not a JSON object is an error row. It returns the log rows.
func (s *Service) ReceiveMQTTMessages(ctx context.Context, orgID, id int64, msgs []MQTTMessage) ([]*IntegrationLogEntry, error) {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if !it.Enabled || it.MQTT == nil {
		for _, m := range msgs {
			if err := s.rejectIntegrationCall(ctx, orgID, id, "the integration is disabled or no longer subscribes (message on "+m.Topic+")", m.Payload); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	out := make([]*IntegrationLogEntry, len(msgs))
	var records []json.RawMessage
	var at []int
	// apply applies the records gathered so far. A message that cannot be
	// a record is logged only after the messages before it: log ids then
	// follow arrival order on each topic, which is what lets the latest
	// success on a topic close the errors before it and none after it.
	apply := func() {
		batched := s.receiveReadings(ctx, orgID, it, records)
		for k, raw := range records {
			e := batched[k]
			if e == nil {
				e = s.applyIntegrationRecord(ctx, orgID, it, raw, nil)
			}
			out[at[k]] = e
		}
		records, at = nil, nil
	}
	for i, m := range msgs {
		raw, entity, sourceID, err := mqttRecord(it.MQTT.Topics, m)
		if err != nil {
			apply()
			out[i] = s.logMQTTError(ctx, orgID, it, m, entity, sourceID, err)
			continue
		}
		records, at = append(records, raw), append(at, i)
	}
	apply()
	var lastErr string
	succeeded := false
	for _, e := range out {
		if e.Status == LogError {
			lastErr = e.Error
		} else {
			succeeded = true
		}
	}
	if it.OpenErrors > 0 || lastErr != "" {
		if err := s.resolveMQTTErrors(ctx, orgID, it, msgs, out); err != nil {
			return out, err
		}
	}
	if _, err := s.refreshIntegration(ctx, orgID, id, lastErr, succeeded); err != nil {
		return out, err
	}
	return out, nil
}

// resolveMQTTErrors closes the errors of messages that could not be
// records (not JSON, no matching filter), logged under their topic, once
// a later message on the same topic applies: the device recovered, and
// there is nothing to replay.
func (s *Service) resolveMQTTErrors(ctx context.Context, orgID int64, it *Integration, msgs []MQTTMessage, out []*IntegrationLogEntry) error {
	_, err := update(ctx, s, orgID, func(tx Tx, _ time.Time) (struct{}, error) {
		done := map[string]bool{}
		for i := len(out) - 1; i >= 0; i-- { // the latest success on each topic closes all before it
			e := out[i]
			key := e.Entity + "\x00" + msgs[i].Topic
			if e.Status == LogError || e.ID == 0 || done[key] {
				continue
			}
			done[key] = true
			by := &IntegrationLogEntry{ID: e.ID, IntegrationID: it.ID, Entity: e.Entity, SourceID: msgs[i].Topic}
			if err := tx.SupersedeIntegrationErrors(ctx, by); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return err
}

// logMQTTError logs a message that cannot become a record. Replaying it
// through a new mapping would not help, so it is not replayable.
func (s *Service) logMQTTError(ctx context.Context, orgID int64, it *Integration, m MQTTMessage, entity, sourceID string, cause error) *IntegrationLogEntry {
	e := newIntegrationLogEntry(it, m.Payload)
	e.Entity, e.SourceID, e.Status, e.Error, e.Replayable = entity, sourceID, LogError, ErrorMessage(cause), false
	if len(e.SourceID) > maxEnvelopeString {
		e.SourceID = e.SourceID[:maxEnvelopeString]
	}
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		e.ReceivedAt, e.UpdatedAt = now, now
		return struct{}{}, tx.InsertIntegrationLog(ctx, e)
	})
	if err != nil {
		s.Logger.Error("integration log", "integration", it.ID, "err", err)
	}
	return e
}
