package porter

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// How a poll authenticates: the integration's credentials on each call,
// with OAuth client-credentials tokens cached until they expire.

// pollAuthorizer sets a poll call's credentials.
type pollAuthorizer func(ctx context.Context, orgID int64, req *http.Request) error

// pollAuth opens the integration's credentials once per poll.
func (s *Service) pollAuth(it *Integration) (pollAuthorizer, error) {
	if s.Secrets == nil {
		return nil, errors.New("no secret box is configured to open the integration's credentials")
	}
	if it.CredentialType == CredentialSharedSecret {
		secret, err := s.integrationSecret(it)
		if err != nil {
			return nil, fmt.Errorf("open the integration's secret: %w", err)
		}
		return func(_ context.Context, _ int64, req *http.Request) error {
			signStandardRequest(req, secret, s.Now(), nil)
			return nil
		}, nil
	}
	var c IntegrationCredentialsInput
	opened, err := s.Secrets.Open(it.CredentialsSealed)
	if err == nil {
		err = json.Unmarshal([]byte(opened), &c)
	}
	if err != nil {
		return nil, fmt.Errorf("open the integration's credentials: %w", err)
	}
	switch it.CredentialType {
	case CredentialAPIKey:
		return func(_ context.Context, _ int64, req *http.Request) error {
			if c.APIKeyHeader != "" {
				req.Header.Set(c.APIKeyHeader, c.APIKey)
			} else {
				req.Header.Set("Authorization", "Bearer "+c.APIKey)
			}
			return nil
		}, nil
	case CredentialOAuthClient:
		key := sha256.Sum256(it.CredentialsSealed)
		return func(ctx context.Context, orgID int64, req *http.Request) error {
			token, err := s.oauthToken(ctx, orgID, it, &c, key)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}, nil
	}
	return nil, fmt.Errorf("credential type %q cannot authenticate a poll", it.CredentialType)
}

// signStandardRequest signs a request the Standard Webhooks way:
// webhook-signature is v1, + base64 HMAC-SHA256 of id.timestamp.body.
func signStandardRequest(req *http.Request, secret string, now time.Time, body []byte) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	msgID := "msg_" + hex.EncodeToString(b[:])
	stamp := strconv.FormatInt(now.Unix(), 10)
	m := hmac.New(sha256.New, standardKey(secret))
	m.Write([]byte(msgID + "." + stamp + "."))
	m.Write(body)
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", stamp)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// oauthTokens caches OAuth client-credentials tokens per integration
// until they expire, keyed by the sealed credentials so that new ones
// fetch a new token.
type oauthTokens struct {
	mu sync.Mutex
	m  map[int64]oauthToken
}

type oauthToken struct {
	key     [32]byte
	token   string
	expires time.Time
}

// tokens is the service's token cache, made on first use.
func (s *Service) tokens() *oauthTokens {
	s.pollTokensOnce.Do(func() { s.pollTokens = &oauthTokens{m: map[int64]oauthToken{}} })
	return s.pollTokens
}

// forgetToken drops an integration's cached token.
func (s *Service) forgetToken(id int64) {
	cache := s.tokens()
	cache.mu.Lock()
	delete(cache.m, id)
	cache.mu.Unlock()
}

// oauthToken returns a cached token, or fetches one from token_url with
// the client credentials grant (HTTP Basic client authentication),
// logging the call as a _token row.
func (s *Service) oauthToken(ctx context.Context, orgID int64, it *Integration, c *IntegrationCredentialsInput, key [32]byte) (string, error) {
	cache := s.tokens()
	cache.mu.Lock()
	t, ok := cache.m[it.ID]
	cache.mu.Unlock()
	if ok && t.key == key && time.Now().Before(t.expires) {
		return t.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, c.TokenURL, strings.NewReader(form.Encode()))
	what := "POST " + c.TokenURL
	if err != nil {
		call := s.logCall(ctx, orgID, it, TokenEntity, what, callResult{err: fmt.Sprintf("token_url: %v", err)}, nil)
		return "", errors.New("could not get an OAuth token: " + call.err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Porter-Integration/1")
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	body, _, call := s.doCall(ctx, req)
	var tok struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if call.err == "" {
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			call.err = "the token endpoint answered no access_token"
		}
	}
	if call.err != "" {
		s.logCall(ctx, orgID, it, TokenEntity, what, call, body)
		return "", errors.New("could not get an OAuth token: " + call.err)
	}
	s.logCall(ctx, orgID, it, TokenEntity, what, call, nil)
	// Without expires_in the token is reused for a minute; with it, until
	// 30 seconds before it expires.
	life := time.Minute
	if n, err := pageString("expires_in", tok.ExpiresIn); err == nil && n != "" {
		if secs, err := strconv.ParseFloat(n, 64); err == nil && secs > 0 {
			life = max(time.Duration(secs)*time.Second-30*time.Second, 0)
		}
	}
	cache.mu.Lock()
	cache.m[it.ID] = oauthToken{key: key, token: tok.AccessToken, expires: time.Now().Add(life)}
	cache.mu.Unlock()
	return tok.AccessToken, nil
}
