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

// CommitHook runs inside a write's transaction, after the write and its
// audit entry and just before the commit, with the write's result; an
// error rolls the write back. The HTTP layer uses it to store a keyed
// POST's response in the write's own transaction, so that the write and
// the remembered response commit together or not at all: a crash between
// them can no longer let a retry write twice.
type CommitHook func(ctx context.Context, tx Tx, result any) error

// Upsert is the result of a write that either creates what it returns
// (an HTTP 201) or finds it already there (200): a commit hook is given
// both, so that a response stored with the write has the status the
// client is sent.
type Upsert[T any] struct {
	Value   T
	Created bool
}

type commitHookKey struct{}

// WithCommitHook returns ctx carrying hook: every write the Service makes
// with ctx calls it before committing.
func WithCommitHook(ctx context.Context, hook CommitHook) context.Context {
	return context.WithValue(ctx, commitHookKey{}, hook)
}

func commitHookFrom(ctx context.Context) CommitHook {
	h, _ := ctx.Value(commitHookKey{}).(CommitHook)
	return h
}
