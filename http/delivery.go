package http

import (
	"context"
	"net/http"

	"porter"
)

type (
	deliveryView = porter.Delivery
	recoverInput = porter.RecoverInput
	recoveryView = porter.Recovery
	testInput    = porter.TestInput
)

var webhookDeliveryParams = append(listParams[:len(listParams):len(listParams)],
	queryParam{Name: "status", Type: "string", Enum: porter.DeliveryStatuses},
	queryParam{Name: "event", Type: "string", Description: "An event name or alias"})

var deliveryListParams = append(webhookDeliveryParams[:len(webhookDeliveryParams):len(webhookDeliveryParams)],
	queryParam{Name: "webhook_id", Type: "integer", Description: "Only this webhook's deliveries"})

func deliveryFilter(q *query) porter.DeliveryFilter {
	return porter.DeliveryFilter{ListParams: q.list(), Status: q.str("status", porter.DeliveryStatuses...), Event: q.str("event")}
}

// handleListWebhookDeliveries lists one webhook's deliveries; another
// organization's webhook is a 404, not an empty page.
func (s *Server) handleListWebhookDeliveries() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "webhook")
		if err != nil {
			return err
		}
		return listOf(s, deliveryFilter, func(ctx context.Context, org int64, f porter.DeliveryFilter) (porter.List[*porter.Delivery], error) {
			return s.svc.WebhookDeliveries(ctx, org, id, f)
		})(w, r)
	}
}

func (s *Server) handleListDeliveries() handlerFunc {
	return listOf(s, func(q *query) porter.DeliveryFilter {
		f := deliveryFilter(q)
		f.WebhookID = q.id("webhook_id")
		return f
	}, s.svc.Deliveries)
}
