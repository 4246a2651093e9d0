package porter

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Messages to guests (seed 003's "whatsapp") are the mail outbox's channel
// GuestChannel: prepared in a transaction, sent by a GuestMessageSender
// when one is configured, kept queued otherwise.
const GuestChannel = "whatsapp"

// GuestMessageSender sends one message to a guest's phone. An error fails
// the attempt, which is retried with backoff; an error wrapping
// ErrPermanent fails the message for good at once.
type GuestMessageSender interface {
	SendGuestMessage(ctx context.Context, m *Message) error
}

// ErrPermanent marks a send error that retrying cannot fix (the provider
// refused the message itself).
var ErrPermanent = errors.New("permanent failure")

// WhatsAppTemplate is a reusable message body with placeholders such as
// {{guest_name}}, filled from the booking when a message is prepared.
type WhatsAppTemplate struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Body         string    `json:"body"`
	Placeholders []string  `json:"placeholders"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TemplatePlaceholders are the names a template may use, each filled from
// the booking the message is about.
var TemplatePlaceholders = []string{"guest_name", "guest_first_name", "reference", "check_in", "check_out", "nights",
	"guests_count", "property_name", "unit_name", "total", "balance_due", "currency"}

const (
	maxTemplateName  = 100
	maxGuestMessage  = 4096 // WhatsApp's limit on a text message
	maxGuestTemplate = 4096
)

// placeholderRE finds {{ name }} in a template. A tiny substitution rather
// than text/template: a template is data written through the API, so it
// gets no functions, loops or method calls, and an unknown name is a 422
// when the template is written, not a surprise when a message is sent.
var placeholderRE = regexp.MustCompile(`\{\{\s*([a-zA-Z0-9_.]*)\s*\}\}`)

// WhatsAppTemplateInput creates a template.
type WhatsAppTemplateInput struct {
	Name *string `json:"name"`
	Body *string `json:"body" doc:"text with placeholders such as {{guest_name}}, {{check_in}}, {{reference}}"`
}

// GuestMessageInput prepares a message to a booking's guest, from a
// template or a raw body.
type GuestMessageInput struct {
	BookingID  *int64  `json:"booking_id"`
	TemplateID *int64  `json:"template_id" doc:"a template; or give body"`
	Body       *string `json:"body" doc:"the text, placeholders filled as in templates; or give template_id"`
	To         *string `json:"to" doc:"phone number in international form (+212…); default: the booking's guest_phone"`
}

// GuestMessageFilter narrows a listing of messages to guests.
type GuestMessageFilter struct {
	ListParams
	BookingID int64
	Status    string
}

// GuestMessageTx stores messages to guests and their templates.
type GuestMessageTx interface {
	// InsertWhatsAppTemplate inserts t unless its name is taken; it
	// reports whether it inserted.
	InsertWhatsAppTemplate(ctx context.Context, t *WhatsAppTemplate) (bool, error)
	WhatsAppTemplate(ctx context.Context, id int64) (*WhatsAppTemplate, error)
	WhatsAppTemplates(ctx context.Context) ([]*WhatsAppTemplate, error)
	InsertGuestMessage(ctx context.Context, m *Message) error
	GuestMessage(ctx context.Context, id int64) (*Message, error)
	GuestMessages(ctx context.Context, f GuestMessageFilter) (List[*Message], error)
	// FailGuestMessage fails a queued message for good; it reports
	// whether the message was still queued.
	FailGuestMessage(ctx context.Context, id int64, errText string) (bool, error)
}

// placeholders returns the names body uses, and records unknown ones.
func placeholders(v *Validation, field, body string) []string {
	names := []string{}
	for _, m := range placeholderRE.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(TemplatePlaceholders, m[1]) {
			v.Add(field, "uses unknown placeholder {{%s}}: use %s", m[1], "{{"+strings.Join(TemplatePlaceholders, "}}, {{")+"}}")
			continue
		}
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

// CreateWhatsAppTemplate stores a template; names are unique in the
// organization.
func (s *Service) CreateWhatsAppTemplate(ctx context.Context, orgID int64, in WhatsAppTemplateInput) (*WhatsAppTemplate, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WhatsAppTemplate, error) {
		t := &WhatsAppTemplate{CreatedAt: now, UpdatedAt: now}
		set(&t.Name, in.Name)
		set(&t.Body, in.Body)
		t.Name = strings.TrimSpace(t.Name)
		var v Validation
		v.Required("name", t.Name)
		v.Required("body", t.Body)
		if len(t.Name) > maxTemplateName {
			v.Add("name", "must be at most %d bytes", maxTemplateName)
		}
		if len(t.Body) > maxGuestTemplate {
			v.Add("body", "must be at most %d bytes", maxGuestTemplate)
		}
		t.Placeholders = placeholders(&v, "body", t.Body)
		if err := v.Err(); err != nil {
			return nil, err
		}
		ok, err := tx.InsertWhatsAppTemplate(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("create whatsapp template: %w", err)
		}
		if !ok {
			return nil, &Error{Code: ECONFLICT, Message: fmt.Sprintf("a template named %q exists", t.Name),
				Fields: []FieldError{{Field: "name", Message: "is taken"}}}
		}
		return t, nil
	})
}

// WhatsAppTemplates lists the templates by name.
func (s *Service) WhatsAppTemplates(ctx context.Context, orgID int64) ([]*WhatsAppTemplate, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*WhatsAppTemplate, error) { return tx.WhatsAppTemplates(ctx) })
}

// WhatsAppTemplate returns one template.
func (s *Service) WhatsAppTemplate(ctx context.Context, orgID, id int64) (*WhatsAppTemplate, error) {
	return view(ctx, s, orgID, func(tx Tx) (*WhatsAppTemplate, error) { return tx.WhatsAppTemplate(ctx, id) })
}

// phoneRE is a phone number in international form once spaces, dots,
// dashes and parentheses are removed.
var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func normalizePhone(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" .-()", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// PrepareGuestMessage fills a template (or a raw body) from a booking and
// queues the message in the outbox, to the booking's guest.
func (s *Service) PrepareGuestMessage(ctx context.Context, orgID int64, in GuestMessageInput) (*Message, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Message, error) {
		var v Validation
		var b *Booking
		if in.BookingID == nil || *in.BookingID == 0 {
			v.Add("booking_id", "is required")
		} else if bk, err := tx.Booking(ctx, *in.BookingID); ErrorCode(err) == ENOTFOUND {
			v.Add("booking_id", "%d does not exist", *in.BookingID)
		} else if err != nil {
			return nil, err
		} else {
			b = bk
		}
		m := &Message{Channel: GuestChannel, Status: MessageQueued, CreatedAt: now}
		hasTemplate, hasBody := in.TemplateID != nil && *in.TemplateID != 0, in.Body != nil && strings.TrimSpace(*in.Body) != ""
		var body string
		switch {
		case hasTemplate && hasBody:
			v.Add("body", "cannot be given with template_id: give one")
		case hasTemplate:
			t, err := tx.WhatsAppTemplate(ctx, *in.TemplateID)
			if ErrorCode(err) == ENOTFOUND {
				v.Add("template_id", "%d does not exist", *in.TemplateID)
			} else if err != nil {
				return nil, err
			} else {
				body, m.TemplateID = t.Body, &t.ID
			}
		case hasBody:
			body = *in.Body
			placeholders(&v, "body", body)
		default:
			v.Add("template_id", "or body is required")
		}
		if b != nil {
			to := b.GuestPhone
			field := "to"
			if in.To != nil && strings.TrimSpace(*in.To) != "" {
				to = *in.To
			} else if strings.TrimSpace(to) == "" {
				v.Add("to", "is required: booking %d has no guest_phone", b.ID)
			} else {
				field = "guest_phone"
			}
			if to = normalizePhone(to); to != "" && !phoneRE.MatchString(to) {
				v.Add(field, "must be a phone number in international form such as +212600000000, not %q", to)
			}
			m.To, m.BookingID = to, &b.ID
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		var err error
		if m.Body, err = fillTemplate(ctx, tx, body, b); err != nil {
			return nil, err
		}
		if strings.TrimSpace(m.Body) == "" {
			v.Add("body", "is empty once filled")
		} else if len(m.Body) > maxGuestMessage {
			v.Add("body", "is %d bytes once filled: at most %d", len(m.Body), maxGuestMessage)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := tx.InsertGuestMessage(ctx, m); err != nil {
			return nil, fmt.Errorf("prepare guest message: %w", err)
		}
		return m, nil
	})
}

// fillTemplate replaces each placeholder of body with the booking's value.
func fillTemplate(ctx context.Context, tx Tx, body string, b *Booking) (string, error) {
	values := map[string]string{
		"guest_name": b.GuestName, "reference": b.Reference, "check_in": b.CheckIn, "check_out": b.CheckOut,
		"nights": fmt.Sprint(b.Nights), "guests_count": fmt.Sprint(b.GuestsCount), "total": b.Total.String(),
		"balance_due": (b.Total - b.AmountPaid).String(), "currency": b.Currency,
	}
	values["guest_first_name"], _, _ = strings.Cut(strings.TrimSpace(b.GuestName), " ")
	if strings.Contains(body, "property_name") {
		p, err := tx.Property(ctx, b.PropertyID)
		if err != nil {
			return "", err
		}
		values["property_name"] = p.Name
	}
	if strings.Contains(body, "unit_name") {
		u, err := tx.Unit(ctx, b.UnitID)
		if err != nil {
			return "", err
		}
		values["unit_name"] = u.Name
	}
	return placeholderRE.ReplaceAllStringFunc(body, func(m string) string {
		return values[placeholderRE.FindStringSubmatch(m)[1]]
	}), nil
}

// GuestMessage returns one message to a guest.
func (s *Service) GuestMessage(ctx context.Context, orgID, id int64) (*Message, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Message, error) { return tx.GuestMessage(ctx, id) })
}

// GuestMessages lists messages to guests, newest first.
func (s *Service) GuestMessages(ctx context.Context, orgID int64, f GuestMessageFilter) (List[*Message], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Message], error) { return tx.GuestMessages(ctx, f) })
}

// FailGuestMessage fails a message for good after its last attempt →
// whatsapp.message_failed, in one transaction. A message no longer queued
// (another node finished it) is left alone.
func (s *Service) FailGuestMessage(ctx context.Context, orgID, id int64, errText string) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (*Message, error) {
		ok, err := tx.FailGuestMessage(ctx, id, errText)
		if err != nil || !ok {
			return nil, err
		}
		m, err := tx.GuestMessage(ctx, id)
		if err != nil {
			return nil, err
		}
		return m, recordNested(ctx, tx, now, "whatsapp.message_failed", "message", m.ID, map[string]any{"message": m}, nil, nil)
	})
	return err
}

// NewWhatsAppTemplate builds a stored template, with the placeholders its
// body uses.
func NewWhatsAppTemplate(id int64, name, body string, created, updated time.Time) *WhatsAppTemplate {
	var v Validation
	return &WhatsAppTemplate{ID: id, Name: name, Body: body, Placeholders: placeholders(&v, "body", body), CreatedAt: created, UpdatedAt: updated}
}
