package http

import (
	"net/http"

	"porter"
)

type (
	cleaningTaskView      = porter.CleaningTask
	cleaningTaskInput     = porter.CleaningTaskInput
	cleaningAssignInput   = porter.CleaningAssignInput
	cleaningCompleteInput = porter.CleaningCompleteInput
	cleaningSkipInput     = porter.CleaningSkipInput
	cleaningTaskPatch     = porter.CleaningTaskPatch
	whatsAppTemplateView  = porter.WhatsAppTemplate
	whatsAppTemplateInput = porter.WhatsAppTemplateInput
	guestMessageView      = porter.Message
	guestMessageInput     = porter.GuestMessageInput
)

func (s *Server) handleListCleaningTasks() handlerFunc {
	return listOf(s, func(q *query) porter.CleaningFilter {
		from, to := q.dateRange()
		return porter.CleaningFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			BookingID: q.id("booking_id"), StaffID: q.id("staff_id"), VendorID: q.id("vendor_id"),
			Status: q.str("status", porter.CleaningStatuses...), From: from, To: to}
	}, s.svc.CleaningTasks)
}

func (s *Server) handleListGuestMessages() handlerFunc {
	return listOf(s, func(q *query) porter.GuestMessageFilter {
		return porter.GuestMessageFilter{ListParams: q.list(), BookingID: q.id("booking_id"),
			Status: q.str("status", porter.MessageQueued, porter.MessageSent, porter.MessageFailed)}
	}, s.svc.GuestMessages)
}

func (s *Server) handleListWhatsAppTemplates() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ts, err := s.svc.WhatsAppTemplates(r.Context(), orgID(r))
		if err != nil {
			return err
		}
		return encode(w, r, data{ts})
	}
}

// addCleaningRoutes declares the cleaning task and guest message
// endpoints (seed 003's cleaning:* and whatsapp:* scopes).
func (s *Server) addCleaningRoutes() {
	const get, post = http.MethodGet, http.MethodPost
	s.handle(&route{Method: get, Path: "/v1/cleaning_tasks", API: v1API, Scope: "cleaning:read", Tag: "Cleaning",
		Summary: "List cleaning tasks, newest first", Response: []cleaningTaskView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "booking_id", Type: "integer"}, queryParam{Name: "staff_id", Type: "integer", Description: "Assigned to this staff member"},
			queryParam{Name: "vendor_id", Type: "integer", Description: "Assigned to this vendor"},
			queryParam{Name: "status", Type: "string", Enum: porter.CleaningStatuses},
			queryParam{Name: "from", Type: "date", Description: "Only tasks due from this date or later"},
			queryParam{Name: "to", Type: "date", Description: "Only tasks due from this date or earlier (included)"})}, s.handleListCleaningTasks())
	s.handle(&route{Method: post, Path: "/v1/cleaning_tasks", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Create a cleaning task by hand (with staff_id or vendor_id it is assigned at once)",
		Request: cleaningTaskInput{}, Response: cleaningTaskView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateCleaningTask))
	s.handle(&route{Method: get, Path: "/v1/cleaning_tasks/{id}", API: v1API, Scope: "cleaning:read", Tag: "Cleaning",
		Summary: "Get a cleaning task", Response: cleaningTaskView{}}, getOne("cleaning task", s.svc.CleaningTask))
	s.handle(&route{Method: http.MethodPatch, Path: "/v1/cleaning_tasks/{id}", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Edit an open task (dates, priority, checklist as ticked, notes); new dates detach a booking's task from its booking",
		Request: cleaningTaskPatch{}, Response: cleaningTaskView{}}, updateOne(s, "cleaning task", s.svc.UpdateCleaningTask))
	s.handle(&route{Method: post, Path: "/v1/cleaning_tasks/{id}/assign", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Assign (or reassign) a pending or assigned task to a staff member or a vendor", Request: cleaningAssignInput{},
		Response: cleaningTaskView{}}, actWith(s, "cleaning task", s.svc.AssignCleaningTask))
	s.handle(&route{Method: post, Path: "/v1/cleaning_tasks/{id}/start", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Start an assigned task", Response: cleaningTaskView{}}, act("cleaning task", s.svc.StartCleaningTask))
	s.handle(&route{Method: post, Path: "/v1/cleaning_tasks/{id}/complete", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Complete a task in progress, with its checklist, notes and photo documents", Request: cleaningCompleteInput{},
		Response: cleaningTaskView{}}, actWith(s, "cleaning task", s.svc.CompleteCleaningTask))
	s.handle(&route{Method: post, Path: "/v1/cleaning_tasks/{id}/skip", API: v1API, Scope: "cleaning:write", Tag: "Cleaning",
		Summary: "Skip an open task with a reason; reschedule_to creates the task that replaces it", Request: cleaningSkipInput{},
		Response: cleaningTaskView{}}, actWith(s, "cleaning task", s.svc.SkipCleaningTask))

	s.handle(&route{Method: get, Path: "/v1/whatsapp/templates", API: v1API, Scope: "whatsapp:read", Tag: "Messages to guests",
		Summary: "List message templates, by name", Response: []whatsAppTemplateView{}}, s.handleListWhatsAppTemplates())
	s.handle(&route{Method: post, Path: "/v1/whatsapp/templates", API: v1API, Scope: "whatsapp:write", Tag: "Messages to guests",
		Summary: "Create a message template; placeholders: {{guest_name}}, {{guest_first_name}}, {{reference}}, {{check_in}}, {{check_out}}, {{nights}}, {{guests_count}}, {{property_name}}, {{unit_name}}, {{total}}, {{balance_due}}, {{currency}}",
		Request: whatsAppTemplateInput{}, Response: whatsAppTemplateView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateWhatsAppTemplate))
	s.handle(&route{Method: get, Path: "/v1/whatsapp/templates/{id}", API: v1API, Scope: "whatsapp:read", Tag: "Messages to guests",
		Summary: "Get a message template", Response: whatsAppTemplateView{}}, getOne("whatsapp template", s.svc.WhatsAppTemplate))
	s.handle(&route{Method: get, Path: "/v1/whatsapp/messages", API: v1API, Scope: "whatsapp:read", Tag: "Messages to guests",
		Summary: "List messages to guests (the outbox), newest first", Response: []guestMessageView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "booking_id", Type: "integer"}, queryParam{Name: "status", Type: "string", Enum: []string{porter.MessageQueued, porter.MessageSent, porter.MessageFailed}})}, s.handleListGuestMessages())
	s.handle(&route{Method: post, Path: "/v1/whatsapp/messages", API: v1API, Scope: "whatsapp:write", Tag: "Messages to guests",
		Summary: "Prepare a message to a booking's guest from a template or a body: queued in the outbox, sent by the configured sender",
		Request: guestMessageInput{}, Response: guestMessageView{}, Status: http.StatusCreated}, createOne(s, s.svc.PrepareGuestMessage))
	s.handle(&route{Method: get, Path: "/v1/whatsapp/messages/{id}", API: v1API, Scope: "whatsapp:read", Tag: "Messages to guests",
		Summary: "Get a message to a guest", Response: guestMessageView{}}, getOne("message", s.svc.GuestMessage))
}
