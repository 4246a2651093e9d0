package http

import (
	"errors"
	"net/http"
	"strings"

	"porter"
)

type (
	webhookView       = porter.Webhook
	webhookInput      = porter.WebhookInput
	webhookPatch      = porter.WebhookPatch
	webhookWithSecret = porter.WebhookWithSecret
	rotateSecretInput = porter.RotateSecretInput
)

var webhookListParams = append(listParams,
	queryParam{Name: "enabled", Type: "string", Enum: []string{"true", "false"}},
	queryParam{Name: "source", Type: "string", Enum: []string{porter.WebhookSourceAPI, porter.WebhookSourceRESTHook, porter.WebhookSourceIntegration}})

func (s *Server) handleListWebhooks() handlerFunc {
	return listOf(s, func(q *query) porter.WebhookFilter {
		f := porter.WebhookFilter{ListParams: q.list(), Source: q.str("source", porter.WebhookSourceAPI, porter.WebhookSourceRESTHook, porter.WebhookSourceIntegration)}
		if e := q.str("enabled", "true", "false"); e != "" {
			enabled := e == "true"
			f.Enabled = &enabled
		}
		return f
	}, s.svc.Webhooks)
}

func (s *Server) handleCreateWebhook() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[webhookInput](s, w, r)
		if err != nil {
			return err
		}
		in.Source, in.Scopes = porter.WebhookSourceAPI, keyFrom(r).Scopes
		v, err := s.svc.CreateWebhook(answering(r, data1[*porter.WebhookWithSecret]), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

func (s *Server) handleUpdateWebhook() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "webhook")
		if err != nil {
			return err
		}
		in, err := decode[webhookPatch](s, w, r)
		if err != nil {
			return err
		}
		in.Scopes = keyFrom(r).Scopes
		v, err := s.svc.UpdateWebhook(answering(r, data1[*porter.Webhook]), orgID(r), id, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

// handleDeleteWebhook answers 204 with no body: there is nothing left to show.
func (s *Server) handleDeleteWebhook() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "webhook")
		if err != nil {
			return err
		}
		if _, err := s.svc.DeleteWebhook(r.Context(), orgID(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// Seed 000's REST hooks, as Zapier, Make and n8n call them.

type seedSubscribeRequest struct {
	Event     string  `json:"event"`
	TargetURL string  `json:"target_url"`
	Secret    *string `json:"secret"`
}

// seedSubscription is a webhook as a REST hook client sees it.
type seedSubscription struct {
	ID        int64       `json:"id"`
	Event     string      `json:"event"`
	TargetURL string      `json:"target_url"`
	CreatedAt porter.Time `json:"created_at"`
}

type seedUnsubscribeRequest struct {
	ID flexInt `json:"id"`
}

type seedUnsubscribeResponse struct {
	Subscription seedSubscription `json:"subscription"`
	Deleted      bool             `json:"deleted"`
}

func subscription(w *porter.Webhook) seedSubscription {
	// A subscription made through /v1 may name several events; the REST
	// hook shape has room for one: the first.
	var event string
	if len(w.Events) > 0 {
		event = w.Events[0]
	}
	return seedSubscription{ID: w.ID, Event: event, TargetURL: w.URL, CreatedAt: porter.NewTime(w.CreatedAt)}
}

func (s *Server) handleSeedSubscribe() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedSubscribeRequest](s, w, r)
		if err != nil {
			return err
		}
		var v porter.Validation
		v.Required("event", in.Event)
		v.Required("target_url", in.TargetURL)
		if err := v.Err(); err != nil {
			return err
		}
		if in.Secret != nil && *in.Secret == "" {
			in.Secret = nil // no-code tools send unmapped fields as ""
		}
		ctx := answering(r, func(hook *porter.WebhookWithSecret) any {
			return map[string]any{"subscription": subscription(hook.Webhook)}
		})
		hook, err := s.svc.CreateWebhook(ctx, orgID(r), porter.WebhookInput{
			URL: strings.TrimSpace(in.TargetURL), Events: []string{strings.TrimSpace(in.Event)}, Secret: in.Secret,
			Source: porter.WebhookSourceRESTHook, Scopes: keyFrom(r).Scopes,
		})
		if err != nil {
			return renameFields(err, map[string]string{"url": "target_url", "events": "event"})
		}
		return encode(w, r, map[string]any{"subscription": subscription(hook.Webhook)})
	}
}

func (s *Server) handleSeedUnsubscribe() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedUnsubscribeRequest](s, w, r)
		if err != nil {
			return err
		}
		if in.ID <= 0 {
			return fieldError("id", "is required: the id subscribe.php returned")
		}
		hook, err := s.svc.Unsubscribe(answering(r, unsubscribed), orgID(r), int64(in.ID))
		if porter.ErrorCode(err) == porter.ENOTFOUND {
			return porter.Errorf(porter.EINVALID, "subscription %d does not exist", in.ID)
		} else if err != nil {
			return err
		}
		return encode(w, r, unsubscribed(hook))
	}
}

func unsubscribed(hook *porter.Webhook) any {
	return seedUnsubscribeResponse{Subscription: subscription(hook), Deleted: true}
}

// renameFields names a validation error's fields as the request did.
func renameFields(err error, names map[string]string) error {
	var pe *porter.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	out := &porter.Error{Code: pe.Code}
	parts := make([]string, len(pe.Fields))
	for i, f := range pe.Fields {
		if n, ok := names[f.Field]; ok {
			f.Field = n
		}
		out.Fields = append(out.Fields, f)
		parts[i] = f.Field + " " + f.Message
	}
	out.Message = strings.Join(parts, "; ")
	return out
}
