package porter

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// An ERP or accounting integration sends its postings through a webhook it
// owns rather than a sender of its own: the delivery engine then gives
// them seed 000's retries, the circuit breaker, the delivery log and
// replay. The webhook is listed in /v1/webhooks with source "integration"
// (so its deliveries are where every delivery is), but it follows the
// integration: its URL is endpoint_url, its secret the integration's, it is
// enabled with it and deleted with it; edits through /v1/webhooks are
// refused.

// WebhookSourceIntegration marks a webhook an integration owns.
const WebhookSourceIntegration = "integration"

// IntegrationHeader names the integration on its webhook's deliveries; the
// fan-out reads it to give the webhook only that integration's postings.
const IntegrationHeader = "X-Porter-Integration"

// IntegrationOf is the integration a webhook belongs to, 0 for none.
func (w *Webhook) IntegrationOf() int64 {
	if w.Source != WebhookSourceIntegration {
		return 0
	}
	id, _ := strconv.ParseInt(w.Headers[IntegrationHeader], 10, 64)
	return id
}

// managedWebhook refuses an edit of a webhook an integration owns.
func managedWebhook(w *Webhook) error {
	if w.Source != WebhookSourceIntegration {
		return nil
	}
	id := w.IntegrationOf()
	return Errorf(ECONFLICT, "webhook %d delivers the postings of integration %d and follows it: change its endpoint_url, secret or enabled through /v1/integrations/%d", w.ID, id, id)
}

func postingWebhookDescription(it *Integration) string {
	return fmt.Sprintf("Postings of integration %d (%s); managed by the integration", it.ID, it.Name)
}

// preparePostingRules checks rules for it and makes them its own.
func preparePostingRules(ctx context.Context, tx Tx, it *Integration, rules *PostingRules) error {
	if rules == nil {
		return nil
	}
	r := *rules
	r.normalize()
	if err := r.validate(ctx, tx, it.Type); err != nil {
		return err
	}
	it.PostingRules = &r
	return nil
}

// syncPosting stores it's posting rules when they changed from before's
// (nil for a new integration), making its webhook the first time, and
// keeps that webhook's URL, name and enabled in step with it.
func (s *Service) syncPosting(ctx context.Context, tx Tx, now time.Time, it, before *Integration) error {
	if it.PostingRules == nil {
		return nil
	}
	if before == nil || before.PostingRules == nil || !unchanged(before.PostingRules, it.PostingRules) {
		if it.PostingWebhookID == nil {
			w := &Webhook{URL: it.EndpointURL, Events: []string{postingEvent}, Description: postingWebhookDescription(it),
				RetrySchedule: DefaultRetrySchedule(), TimeoutSeconds: DefaultWebhookTimeout,
				Headers: map[string]string{IntegrationHeader: strconv.FormatInt(it.ID, 10)}, Enabled: it.Enabled,
				Source: WebhookSourceIntegration, CreatedAt: now, UpdatedAt: now}
			w.signingDefaults()
			if err := tx.InsertWebhook(ctx, w, SealedSecret(it.SecretSealed)); err != nil {
				return fmt.Errorf("integration %d posting webhook: %w", it.ID, err)
			}
			it.PostingWebhookID = &w.ID
			audited(tx, "webhook", w.ID, nil, w)
		}
		if err := tx.PutPostingRules(ctx, &PostingSetup{IntegrationID: it.ID, Rules: it.PostingRules, WebhookID: it.PostingWebhookID}, now); err != nil {
			return err
		}
	}
	if before == nil || before.PostingWebhookID == nil {
		return nil
	}
	w, err := tx.WebhookForUpdate(ctx, *it.PostingWebhookID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	was := *w
	w.URL, w.Enabled, w.Description = it.EndpointURL, it.Enabled, postingWebhookDescription(it)
	if unchanged(&was, w) {
		return nil
	}
	if w.Enabled {
		w.DisabledReason = ""
	}
	w.UpdatedAt = now
	if err := tx.UpdateWebhook(ctx, w); err != nil {
		return fmt.Errorf("integration %d posting webhook: %w", it.ID, err)
	}
	// As an edit of the webhook would: a new address or enabling again is
	// tried at once; disabling fails what is pending.
	if w.Enabled && (w.URL != was.URL || !was.Enabled) {
		if err := tx.CloseWebhookCircuit(ctx, w.ID, now); err != nil {
			return err
		}
	}
	if was.Enabled && !w.Enabled {
		if _, err := tx.FailPendingDeliveries(ctx, w.ID, "integration disabled", now); err != nil {
			return err
		}
	}
	audited(tx, "webhook", w.ID, &was, w)
	return nil
}

// rotatePostingWebhook gives it's webhook its new secret; the old one
// keeps signing for WebhookSecretOverlap, as for any webhook.
func (s *Service) rotatePostingWebhook(ctx context.Context, tx Tx, now time.Time, it *Integration, sealed []byte) error {
	if err := withPostingRules(ctx, tx, it); err != nil || it.PostingWebhookID == nil {
		return err
	}
	id := *it.PostingWebhookID
	old, err := tx.WebhookSecrets(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	next, err := s.rotateSecrets(id, old, sealed, now)
	if err != nil {
		return err
	}
	if err := tx.SetWebhookSecrets(ctx, id, next); err != nil {
		return fmt.Errorf("integration %d posting webhook: %w", it.ID, err)
	}
	w, err := tx.WebhookForUpdate(ctx, id)
	if err != nil {
		return err
	}
	w.SecretRotatedAt, w.UpdatedAt = &now, now
	return tx.UpdateWebhook(ctx, w)
}

// deletePostingWebhook removes it's webhook with it.
func deletePostingWebhook(ctx context.Context, tx Tx, it *Integration) error {
	if err := withPostingRules(ctx, tx, it); err != nil || it.PostingWebhookID == nil {
		return err
	}
	err := tx.DeleteWebhook(ctx, *it.PostingWebhookID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	return err
}
