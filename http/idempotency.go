package http

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"porter"
)

// CrashAfterWrite, when set, runs once a keyed POST's handler has written
// and before its response is sent or remembered anywhere else: the crash
// tests of cmd/porter set it to kill the process at that very point.
var CrashAfterWrite atomic.Pointer[func()]

// answerFunc is how a handler will answer with the result of the write it
// makes: the status and the exact body bytes; ok is false when result is
// not what the handler answers with.
type answerFunc func(result any) (status int, body []byte, ok bool)

type answerKey struct{}

// answering returns r's context telling the idempotency layer how the
// handler will answer with the Service's result T: shape(result) encoded
// as every JSON body is, with the route's status. The layer can then
// store the response in the write's own transaction.
func answering[T any](r *http.Request, shape func(T) any) context.Context {
	status := routeStatus(r)
	return answeringStatus(r, func(v T) (int, any) { return status, shape(v) })
}

// answeringStatus is answering for a handler whose status depends on the
// result: answer(result) is the status and the value encoded as the body.
func answeringStatus[T any](r *http.Request, answer func(T) (int, any)) context.Context {
	return context.WithValue(r.Context(), answerKey{}, answerFunc(func(result any) (int, []byte, bool) {
		v, ok := result.(T)
		if !ok {
			return 0, nil, false
		}
		status, body := answer(v)
		var b bytes.Buffer
		if err := jsonTo(&b, body); err != nil {
			return 0, nil, false
		}
		return status, b.Bytes(), true
	}))
}

// upserted answers a porter.Upsert as its handler does: the route's status
// (201) with what the write created, 200 with what it found already there.
func upserted[T any](r *http.Request, shape func(T) any) context.Context {
	status := routeStatus(r)
	return answeringStatus(r, func(u porter.Upsert[T]) (int, any) {
		if !u.Created {
			return http.StatusOK, shape(u.Value)
		}
		return status, shape(u.Value)
	})
}

// inWrite stores a keyed POST's response in the transaction of the write
// that produced it, so that the write and the remembered response commit
// together: a process that dies after the commit leaves a key a retry
// replays, never one it runs again.
type inWrite struct {
	key       string
	hash      []byte
	claimedAt time.Time
	sensitive bool
	secrets   *porter.SecretBox

	stored bool // the last write of the request stored status and body
	status int
	body   []byte // as sent, before sealing
}

// remember is the porter.CommitHook of a keyed request.
func (in *inWrite) remember(ctx context.Context, tx porter.Tx, result any) error {
	answer, _ := ctx.Value(answerKey{}).(answerFunc)
	if answer == nil {
		return nil
	}
	status, body, ok := answer(result)
	if !ok {
		return nil
	}
	kept := body
	if in.sensitive {
		sealed, err := in.secrets.Seal(string(body))
		if err != nil {
			return fmt.Errorf("seal remembered response: %w", err)
		}
		kept = sealed
	}
	// The update locks the key's row first; then the claim must still be
	// this request's: one that ran past the stale-claim window and was
	// taken over by a retry must not write as well.
	if err := tx.CompleteIdempotencyKey(ctx, in.key, status, kept); err != nil {
		return err
	}
	cur, err := tx.ClaimIdempotencyKey(ctx, &porter.IdempotencyRecord{Key: in.key, RequestHash: in.hash, CreatedAt: in.claimedAt})
	if err != nil {
		return err
	}
	if cur == nil || !bytes.Equal(cur.RequestHash, in.hash) || !cur.CreatedAt.Truncate(time.Second).Equal(in.claimedAt.Truncate(time.Second)) {
		return porter.Errorf(porter.ECONFLICT, "a request with this Idempotency-Key is in progress; retry shortly")
	}
	in.stored, in.status, in.body = true, status, body
	return nil
}
