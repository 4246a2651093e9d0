package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"porter"
)

// Short-term rentals: messages to guests (seed 003's "WhatsApp"): the
// outbox, composing from a template, and the templates. The pages call
// the Service as /v1/whatsapp does; a sender configured on the server
// sends what is queued.

var guestMessageLabels = map[string]string{"booking_id": "Booking", "template_id": "Template", "body": "Message",
	"to": "To", "guest_phone": "The booking's guest phone", "name": "Name"}

type guestMessagesData struct {
	Items        []*porter.Message
	Bookings     []pick
	BookingRef   map[int64]string
	Templates    []*porter.WhatsAppTemplate
	Placeholders []string
	Status       string
	BookingID    int64
	Statuses     []string
	SenderOn     bool
	Queued       int // queued messages on this page, for the sender notice
	Pager        pager
	Form         url.Values
	Error        string
	// TemplateForm and TemplateError are the new-template form's.
	TemplateForm  url.Values
	TemplateError string
}

func (c *Console) guestMessages(w http.ResponseWriter, r *http.Request, u *porter.User) {
	q := r.URL.Query()
	c.renderGuestMessages(w, r, u, http.StatusOK, guestMessagesData{Form: url.Values{"booking_id": {q.Get("booking_id")}}})
}

func (c *Console) renderGuestMessages(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d guestMessagesData) {
	f := porter.GuestMessageFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	err := refQueries(r, map[string]*int64{"booking_id": &f.BookingID})
	if err == nil {
		err = opsOneOf("status", f.Status, porter.MessageQueued, porter.MessageSent, porter.MessageFailed)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx := r.Context()
	list, err := c.svc.GuestMessages(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	bookings, err := c.svc.Bookings(ctx, u.OrgID, porter.BookingFilter{ListParams: pickAll})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.BookingRef = map[int64]string{}
	for _, b := range bookings.Items {
		d.BookingRef[b.ID] = b.Reference
		if b.Status != porter.BookingCancelled {
			d.Bookings = append(d.Bookings, pick{b.ID, fmt.Sprintf("%s · %s · %s to %s", b.Reference, b.GuestName, b.CheckIn, b.CheckOut)})
		}
	}
	if d.Templates, err = c.svc.WhatsAppTemplates(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	for _, m := range list.Items {
		if m.Status == porter.MessageQueued {
			d.Queued++
		}
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	if d.TemplateForm == nil {
		d.TemplateForm = url.Values{}
	}
	d.Items, d.Status, d.BookingID, d.SenderOn = list.Items, f.Status, f.BookingID, c.cfg.GuestSender
	d.Statuses, d.Placeholders = []string{porter.MessageQueued, porter.MessageSent, porter.MessageFailed}, porter.TemplatePlaceholders
	d.Pager = newPager(r, f.ListParams, list.Total)
	c.render(w, status, "guestmessages", view{Title: "Messages to guests", Nav: "guest-messages", User: u, Data: d})
}

// Ref is a booking's reference for the list's column.
func (d guestMessagesData) Ref(id *int64) string {
	if ref, ok := d.BookingRef[*id]; ok {
		return ref
	}
	return fmt.Sprintf("Booking %d", *id)
}

// composeGuestMessage prepares a message to a booking's guest, from a
// template or typed, and queues it.
func (c *Console) composeGuestMessage(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderGuestMessages(w, r, u, status, guestMessagesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.GuestMessageInput{BookingID: formID(v, "booking_id", "Booking", &errs), TemplateID: formID(v, "template_id", "Template", &errs),
		Body: formText(v, "body"), To: formText(v, "to")}
	if in.Body != nil {
		body := strings.ReplaceAll(*in.Body, "\r\n", "\n")
		in.Body = &body
	}
	if in.BookingID == nil && v.Get("booking_id") == "" {
		errs.add("Booking", "is required: pick one")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	m, err := c.svc.PrepareGuestMessage(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, guestMessageLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/guest-messages/", m.ID))
}

func (c *Console) createGuestTemplate(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderGuestMessages(w, r, u, status, guestMessagesData{TemplateForm: r.PostForm, TemplateError: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	// The body is kept as typed: its line breaks are the message's.
	body := strings.ReplaceAll(r.PostForm.Get("body"), "\r\n", "\n")
	_, err := c.svc.CreateWhatsAppTemplate(r.Context(), u.OrgID, porter.WhatsAppTemplateInput{Name: formText(r.PostForm, "name"), Body: &body})
	if status, msg, ok := strRefusal(err, guestMessageLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/guest-messages#templates")
}

type guestMessageData struct {
	Message  *porter.Message
	Booking  *porter.Booking
	Template *porter.WhatsAppTemplate
	SenderOn bool
	Events   []*porter.Event // whatsapp.message_failed
}

func (c *Console) guestMessage(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	m, err := c.svc.GuestMessage(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := guestMessageData{Message: m, SenderOn: c.cfg.GuestSender}
	if m.BookingID != nil {
		if d.Booking, err = c.svc.Booking(ctx, u.OrgID, *m.BookingID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	if m.TemplateID != nil {
		if d.Template, err = c.svc.WhatsAppTemplate(ctx, u.OrgID, *m.TemplateID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "message", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "guestmessage", view{Title: fmt.Sprintf("Message %d", m.ID), Nav: "guest-messages", User: u, Data: d})
}
