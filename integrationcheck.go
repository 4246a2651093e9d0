package porter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// IntegrationTestResult is what POST /v1/integrations/{id}/test found.
type IntegrationTestResult struct {
	OK bool `json:"ok"`
	// Kind is "outbound" (a signed call to endpoint_url) or "mapping" (an
	// inbound integration: its mapping checked against this build).
	Kind       string   `json:"kind"`
	StatusCode int      `json:"status_code,omitempty" doc:"What the endpoint answered (outbound)"`
	DurationMS int64    `json:"duration_ms,omitempty"`
	Error      string   `json:"error,omitempty"`
	Entities   []string `json:"entities" doc:"The entities the mapping maps"`
	Targets    []string `json:"targets" doc:"The targets this Porter can write"`
}

// TestIntegration checks an integration. With an endpoint_url it posts a
// signed integration.test call to it through the webhook guard (the
// Standard Webhooks headers, signed with the integration's secret) and
// reports the answer: 2xx is ok. Without one it validates the mapping.
func (s *Service) TestIntegration(ctx context.Context, orgID, id int64) (*IntegrationTestResult, error) {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	res := &IntegrationTestResult{Kind: "mapping", Entities: keysOf(it.Mapping.Entities), Targets: IntegrationTargets()}
	if err := it.Mapping.validate(); err != nil {
		res.Error = ErrorMessage(err)
		return res, nil
	}
	if it.EndpointURL == "" {
		res.OK = true
		return res, nil
	}
	res.Kind = "outbound"
	if err := s.checkIntegrationURL(ctx, "endpoint_url", it.EndpointURL); err != nil {
		res.Error = ErrorMessage(err)
		return res, nil
	}
	if s.ICalClient == nil {
		res.Error = "outbound calls are not configured on this server"
		return res, nil
	}
	secret, err := s.integrationSecret(it)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	body, _ := json.Marshal(map[string]any{"type": "integration.test", "integration_id": it.ID, "timestamp": now.Format(time.RFC3339)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, it.EndpointURL, bytes.NewReader(body))
	if err != nil {
		res.Error = fmt.Sprintf("endpoint_url: %v", err)
		return res, nil
	}
	req.Header.Set("Content-Type", "application/json")
	signStandardRequest(req, secret, now, body)
	start := time.Now()
	resp, err := s.ICalClient.Do(req)
	res.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		res.Error = err.Error()
		return res, nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res.StatusCode = resp.StatusCode
	res.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !res.OK {
		res.Error = "the endpoint answered " + resp.Status
	}
	return res, nil
}
