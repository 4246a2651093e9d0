package http_test

import (
	"fmt"
	"strings"
	"testing"
)

// A BMS pushes readings to the receiver as NDJSON: the batched path
// answers per record over HTTP, the same call again adds no reading.
func TestIntegrationReadingsOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		pid := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		mid := a.do("POST", "/v1/meters", map[string]any{"property_id": pid, "name": "Main", "kind": "electricity",
			"unit_of_measure": "kWh", "external_ref": "EM-1"}).must(t, 201).obj("data")["id"].(float64)
		mapping := map[string]any{"entities": map[string]any{
			"reading": map[string]any{"target": "meter_reading", "fields": map[string]any{"meter": "device", "value": "kwh", "read_at": "at"}}}}
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "BMS", "type": "bms", "mapping": mapping}).must(t, 201).obj("data")
		secret, receiver := created["secret"].(string), created["receiver_url"].(string)
		nd := `{"entity": "reading", "id": "R-1", "data": {"device": "EM-1", "kwh": 1520.5, "at": "2025-05-09T10:00:00Z"}}
{"entity": "reading", "id": "R-2", "data": {"device": "EM-9", "kwh": 3, "at": "2025-05-09T10:00:00Z"}}
{"entity": "reading", "id": "R-3", "data": {"device": "EM-1", "kwh": "lots"}}
{"entity": "reading", "id": "R-4", "data": {"device": "EM-1", "kwh": 1521, "at": "2025-05-09T11:00:00Z"}}
`
		for round := range 2 {
			rc := a.hook(receiver, secret, "application/x-ndjson", nd, 0).must(t, 200).obj("data")
			res := rc["results"].([]any)
			if rc["succeeded"].(float64) != 2 || rc["failed"].(float64) != 2 ||
				!strings.Contains(res[1].(map[string]any)["error"].(string), "meter 'EM-9' has no mapping") ||
				res[2].(map[string]any)["error"] != "value 'lots' is not a number" ||
				res[3].(map[string]any)["target"].(map[string]any)["id"].(float64) != mid {
				t.Fatalf("round %d: receipt = %s", round, rc)
			}
			total := a.do("GET", fmt.Sprintf("/v1/meters/%d/readings", int(mid)), nil).must(t, 200).obj("meta")["total"].(float64)
			if total != 2 {
				t.Fatalf("round %d: %v readings, want 2", round, total)
			}
		}
	})
}
