package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"porter"
)

type jwksView = porter.JWKS

// jwksMaxAge is how long a JWKS may be cached: far inside the 24 hours a
// rotated-out key keeps signing, so a receiver that caches it sees a new
// key well before it needs it, and refetches on an unknown kid anyway.
const jwksMaxAge = 5 * time.Minute

// handleJWKS serves the public keys of an organization's ed25519
// webhooks. It needs no key: public keys are public, and the id in the
// URL is random, so it lists no organization that did not hand it out.
func (s *Server) handleJWKS() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("org_public_id")
		if len(id) > 64 {
			return porter.Errorf(porter.ENOTFOUND, "no organization has this public id")
		}
		set, err := s.svc.WebhookJWKS(r.Context(), id)
		if err != nil {
			return err
		}
		body, err := json.Marshal(set)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(jwksMaxAge.Seconds())))
		h.Set("ETag", `"`+base64.RawURLEncoding.EncodeToString(sum[:16])+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Access-Control-Allow-Origin", "*") // public keys: any page may fetch them
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return nil
	}
}

// addWebhookSigningRoutes declares the JWKS of issue 12's ed25519 webhooks.
func (s *Server) addWebhookSigningRoutes() {
	s.handle(&route{Method: http.MethodGet, Path: "/.well-known/webhooks/{org_public_id}/jwks.json", API: pageAPI, Tag: "Webhook subscriptions",
		Conditional: true, Response: jwksView{},
		Summary: "The public keys (JWKS, OKP/Ed25519) that sign the organization's ed25519 webhooks: each one's current key and those rotated out within 24 hours; no API key. org_public_id is public_id of GET /v1/organization"},
		s.handleJWKS())
}
