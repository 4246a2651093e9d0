package console_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"porter"
	"porter/webhook"
)

// seedIntegrations gives the perf site n integrations, the first with n
// records in its log (each an error naming its mapping gap).
func seedIntegrations(tb testing.TB, p *perfSite, n int) {
	tb.Helper()
	ctx := context.Background()
	box, err := porter.NewSecretBox(bytes.Repeat([]byte{9}, 32))
	mustTB(tb, err)
	p.svc.Secrets, p.svc.NewWebhookSecret = box, webhook.NewSecret
	var m porter.IntegrationMapping
	mustTB(tb, json.Unmarshal([]byte(defectMapping("")), &m))
	var first *porter.IntegrationWithSecret
	for i := range n {
		it, err := p.svc.CreateIntegration(ctx, p.org, porter.IntegrationInput{Name: ptr(fmt.Sprintf("Handover %d", i)), Type: ptr("handover"), Mapping: &m})
		mustTB(tb, err)
		if first == nil {
			first = it
		}
	}
	records := make([]string, n)
	for i := range records {
		records[i] = fmt.Sprintf(`{"entity": "defect", "id": "SRC-%d", "data": {"summary": "Defect %d", "building_code": "B-7"}}`, i, i)
	}
	body := "[" + strings.Join(records, ",") + "]"
	stamp := strconv.FormatInt(p.now.Unix(), 10)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(first.Secret, "whsec_"))
	mustTB(tb, err)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("msg_1." + stamp + "." + body))
	rc, err := p.svc.ReceiveIntegration(ctx, porter.IntegrationCall{Token: first.ReceiverURL[strings.LastIndex(first.ReceiverURL, "/")+1:],
		MessageID: "msg_1", Timestamp: stamp, Signature: "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		ContentType: "application/json", Body: []byte(body)})
	mustTB(tb, err)
	if rc.Failed != n {
		tb.Fatalf("seeded %d failed records, want %d", rc.Failed, n)
	}
}

// integrationPerfPaths are Settings → Integrations and, once seeded, the
// page of the integration in error, with its log, for perfPaths.
func integrationPerfPaths(tb testing.TB, p *perfSite) []string {
	tb.Helper()
	l, err := p.svc.Integrations(context.Background(), p.org, porter.IntegrationFilter{Status: porter.IntegrationError})
	mustTB(tb, err)
	paths := []string{"/settings/integrations"}
	if len(l.Items) > 0 {
		paths = append(paths, "/settings/integrations/"+strconv.FormatInt(l.Items[0].ID, 10))
	}
	return paths
}
