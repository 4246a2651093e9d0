package porter

import (
	"context"
	"time"
)

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// IdempotencyRecord remembers the first response to a keyed POST.
type IdempotencyRecord struct {
	Key         string
	RequestHash []byte // of method, path and body
	Status      int    // 0 while the first request is still running
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyTx stores Idempotency-Key records.
type IdempotencyTx interface {
	// ClaimIdempotencyKey records key as in progress. When the key is
	// already known (and younger than the window), it returns that record
	// instead and records nothing.
	ClaimIdempotencyKey(ctx context.Context, rec *IdempotencyRecord) (existing *IdempotencyRecord, err error)
	// CompleteIdempotencyKey stores the response of the claimed request.
	CompleteIdempotencyKey(ctx context.Context, key string, status int, body []byte) error
	// ReleaseIdempotencyKey forgets a claim whose request did not finish.
	ReleaseIdempotencyKey(ctx context.Context, key string) error
}
