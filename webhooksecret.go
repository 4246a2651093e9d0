package porter

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// MaxWebhookSecrets bounds the secrets that sign one webhook's deliveries
// at once: the current one and up to four rotated out within
// WebhookSecretOverlap. Every one of them adds a signature to each request.
const MaxWebhookSecrets = 5

// retiredSecret is a rotated-out secret, still signing until ExpiresAt.
type retiredSecret struct {
	Secret    string    `json:"secret"`
	ExpiresAt time.Time `json:"expires_at"`
}

// retiredListHeader starts the sealed plaintext of a list of retired
// secrets, stored where a single previous secret used to be. A secret
// cannot hold a newline (validateWebhookSecret), so a value sealed before
// lists existed is told apart and read as one secret.
const retiredListHeader = "porter-retired-secrets/1\n"

// openRetired returns the retired secrets in sealed, newest first,
// expired ones included: the caller filters them at the time it signs.
func (s *Service) openRetired(sealed WebhookSealedSecrets) ([]retiredSecret, error) {
	if len(sealed.Previous) == 0 {
		return nil, nil
	}
	plain, err := s.Secrets.Open(sealed.Previous)
	if err != nil {
		return nil, err
	}
	var list []retiredSecret
	if rest, ok := strings.CutPrefix(plain, retiredListHeader); ok {
		if err := json.Unmarshal([]byte(rest), &list); err != nil {
			return nil, fmt.Errorf("retired secrets: %w", err)
		}
	} else if sealed.PreviousExpiresAt != nil {
		list = []retiredSecret{{Secret: plain, ExpiresAt: *sealed.PreviousExpiresAt}}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].ExpiresAt.After(list[j].ExpiresAt) })
	return list, nil
}

// liveRetired keeps the secrets still signing at now.
func liveRetired(list []retiredSecret, now time.Time) []retiredSecret {
	var out []retiredSecret
	for _, r := range list {
		if now.Before(r.ExpiresAt) {
			out = append(out, r)
		}
	}
	return out
}

// sealRetired seals a list of retired secrets as one value; the expiry
// stored beside it is the latest, so the row says how long any of them
// signs.
func (s *Service) sealRetired(list []retiredSecret) (SealedSecret, *time.Time, error) {
	if len(list) == 0 {
		return nil, nil, nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, nil, err
	}
	sealed, err := s.Secrets.Seal(retiredListHeader + string(b))
	if err != nil {
		return nil, nil, err
	}
	latest := list[0].ExpiresAt
	for _, r := range list[1:] {
		if r.ExpiresAt.After(latest) {
			latest = r.ExpiresAt
		}
	}
	return sealed, &latest, nil
}

// rotateSecrets returns a webhook's stored secrets after newSecret
// replaces the current one at now: the current one joins the retired
// secrets for WebhookSecretOverlap, and those already expired are dropped.
// Beyond MaxWebhookSecrets signing at once the rotation is a conflict, not
// a silent early end of a secret a receiver may still depend on.
func (s *Service) rotateSecrets(id int64, old WebhookSealedSecrets, newSecret SealedSecret, now time.Time) (WebhookSealedSecrets, error) {
	next := WebhookSealedSecrets{Current: newSecret}
	if len(old.Current) == 0 {
		return next, nil // a REST hook without a secret gets its first
	}
	all, err := s.openRetired(old)
	if err != nil {
		return next, fmt.Errorf("webhook %d retired secrets: %w", id, err)
	}
	live := liveRetired(all, now)
	if len(live)+2 > MaxWebhookSecrets {
		oldest := live[len(live)-1].ExpiresAt
		return next, Errorf(ECONFLICT, "webhook %d already has %d signing secrets, the most at once: the current one and %d rotated out within the last %s; the oldest stops signing at %s, rotate again after that",
			id, len(live)+1, len(live), "24 hours", oldest.UTC().Format(time.RFC3339))
	}
	current, err := s.Secrets.Open(old.Current)
	if err != nil {
		return next, fmt.Errorf("webhook %d secret: %w", id, err)
	}
	live = append([]retiredSecret{{Secret: current, ExpiresAt: now.Add(WebhookSecretOverlap)}}, live...)
	if next.Previous, next.PreviousExpiresAt, err = s.sealRetired(live); err != nil {
		return next, fmt.Errorf("webhook %d retired secrets: %w", id, err)
	}
	return next, nil
}

// SigningSecrets returns the secrets that sign a webhook's deliveries now,
// newest first: the current one, then those rotated out less than
// WebhookSecretOverlap ago. Empty for a REST hook without a secret.
func (s *Service) SigningSecrets(ctx context.Context, orgID, id int64) ([]string, error) {
	current, retired, err := s.signingSecrets(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if current == "" {
		return retired, nil
	}
	return append([]string{current}, retired...), nil
}

// WebhookSecrets returns the current secret ("" when it has none) and the
// newest one rotated out within WebhookSecretOverlap ("" when none is);
// SigningSecrets returns them all.
func (s *Service) WebhookSecrets(ctx context.Context, orgID, id int64) (current, previous string, err error) {
	current, retired, err := s.signingSecrets(ctx, orgID, id)
	if len(retired) > 0 {
		previous = retired[0]
	}
	return current, previous, err
}

func (s *Service) signingSecrets(ctx context.Context, orgID, id int64) (current string, retired []string, err error) {
	sealed, err := view(ctx, s, orgID, func(tx Tx) (WebhookSealedSecrets, error) { return tx.WebhookSecrets(ctx, id) })
	if err != nil {
		return "", nil, err
	}
	if len(sealed.Current) > 0 {
		if current, err = s.Secrets.Open(sealed.Current); err != nil {
			return "", nil, fmt.Errorf("webhook %d secret: %w", id, err)
		}
	}
	all, err := s.openRetired(sealed)
	if err != nil {
		return "", nil, fmt.Errorf("webhook %d retired secrets: %w", id, err)
	}
	for _, r := range liveRetired(all, s.Now()) {
		retired = append(retired, r.Secret)
	}
	return current, retired, nil
}
