package http

import (
	"net/http"

	"porter"
)

type (
	broadcastView  = porter.Broadcast
	broadcastInput = porter.BroadcastInput
	messageView    = porter.Message
)

// seedBroadcastRequest is POST /api/action_send_message.php's body.
type seedBroadcastRequest struct {
	Subject    *string  `json:"subject"`
	Body       *string  `json:"body"`
	Audience   *string  `json:"audience"`
	Channel    *string  `json:"channel"`
	PropertyID *flexInt `json:"property_id"`
}

// seedBroadcastResponse is seed 000's answer, exactly.
type seedBroadcastResponse struct {
	BroadcastID int64 `json:"broadcast_id"`
}

func (s *Server) handleSeedSendMessage() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedBroadcastRequest](s, w, r)
		if err != nil {
			return err
		}
		// No-code tools send unset optional fields as empty strings.
		for _, p := range []**string{&in.Audience, &in.Channel} {
			if *p != nil && **p == "" {
				*p = nil
			}
		}
		// Seed 000 needs property_id only for property_tenants; a tool that
		// always maps the field must not break the other audiences.
		if in.Audience == nil || *in.Audience != "property_tenants" {
			in.PropertyID = nil
		}
		b, err := s.svc.SendBroadcast(answering(r, func(b *porter.Broadcast) any { return seedBroadcastResponse{BroadcastID: b.ID} }), orgID(r), porter.BroadcastInput{
			Subject: in.Subject, Body: in.Body, Audience: in.Audience, Channel: in.Channel, PropertyID: in.PropertyID.ptr(),
		})
		if err != nil {
			return err
		}
		return encode(w, r, seedBroadcastResponse{BroadcastID: b.ID})
	}
}

func (s *Server) handleListBroadcasts() handlerFunc {
	return listOf(s, func(q *query) porter.BroadcastFilter {
		return porter.BroadcastFilter{ListParams: q.list(), Audience: q.str("audience", porter.BroadcastAudiences...)}
	}, s.svc.Broadcasts)
}

func (s *Server) handleBroadcastMessages() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "broadcast")
		if err != nil {
			return err
		}
		q := newQuery(r)
		p := q.list()
		if err := q.Err(); err != nil {
			return err
		}
		l, err := s.svc.BroadcastMessages(r.Context(), orgID(r), id, p)
		if err != nil {
			return err
		}
		return encode(w, r, pageOf(s, r, p, l))
	}
}
