package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"porter"
)

// Facilities: meters and their readings.

type (
	meterView        = porter.Meter
	meterInput       = porter.MeterInput
	meterReadingView = porter.MeterReading
	ingestResultView = porter.IngestResult
	meterSeriesView  = porter.MeterSeries
)

// maxReadingsBody bounds a readings request: 10,000 readings with their
// source ids fit with room to spare.
const maxReadingsBody = 4 << 20

// readingsBody is the body of POST /v1/meters/{id}/readings: one reading
// or an array of them.
type readingsBody struct{}

func (readingsBody) openAPISchema() map[string]any {
	reading := map[string]any{"type": "object", "required": []string{"value"}, "properties": map[string]any{
		"value":     map[string]any{"type": "number", "description": "the value read, in the meter's unit of measure"},
		"read_at":   map[string]any{"type": "string", "format": "date-time", "description": "when it was read; default: now"},
		"source":    map[string]any{"type": "string", "description": "where it comes from, e.g. bms; default api"},
		"source_id": map[string]any{"type": "string", "description": "its id at the source: the same (source, source_id) twice on a meter is one reading"},
	}}
	return map[string]any{"description": fmt.Sprintf("one reading, or an array of up to %d", porter.MaxReadingsPerBatch),
		"oneOf": []any{reading, map[string]any{"type": "array", "items": reading, "minItems": 1, "maxItems": porter.MaxReadingsPerBatch}}}
}

// readReadings decodes one reading or an array of readings; a bad field
// is named readings[i].field in a batch.
func (s *Server) readReadings(w http.ResponseWriter, r *http.Request) ([]porter.ReadingInput, error) {
	if kind, _, err := kindOf(r); err != nil || kind != jsonBody {
		return nil, unsupportedMedia(r.Header.Get("Content-Type"), false)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max(s.cfg.MaxBodyBytes, maxReadingsBody)))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, porter.Errorf(porter.ETOOLARGE, "request body is larger than %s", byteSize(tooBig.Limit))
	} else if err != nil {
		return nil, porter.Errorf(porter.EINVALID, "could not read the request body: %v", err)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		var in porter.ReadingInput
		if err := decodeJSON(body, &in, true); err != nil {
			return nil, err
		}
		return []porter.ReadingInput{in}, nil
	}
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, porter.Errorf(porter.EINVALID, "request body must be a reading or an array of readings")
	}
	if len(items) > porter.MaxReadingsPerBatch {
		return nil, &porter.Error{Code: porter.EINVALID, Message: fmt.Sprintf("readings holds %d readings: at most %d per request", len(items), porter.MaxReadingsPerBatch),
			Fields: []porter.FieldError{{Field: "readings", Message: fmt.Sprintf("at most %d per request", porter.MaxReadingsPerBatch)}}}
	}
	out := make([]porter.ReadingInput, len(items))
	for i, raw := range items {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
			return nil, &porter.Error{Code: porter.EINVALID, Message: fmt.Sprintf("readings[%d] must be a JSON object", i),
				Fields: []porter.FieldError{{Field: fmt.Sprintf("readings[%d]", i), Message: "must be a JSON object"}}}
		}
		if err := decodeFields(fields, &out[i], true, false); err != nil {
			var pe *porter.Error
			if errors.As(err, &pe) {
				e := *pe
				e.Message = fmt.Sprintf("readings[%d]: %s", i, pe.Message)
				e.Fields = nil
				for _, f := range pe.Fields {
					e.Fields = append(e.Fields, porter.FieldError{Field: fmt.Sprintf("readings[%d].%s", i, f.Field), Message: f.Message})
				}
				return nil, &e
			}
			return nil, err
		}
	}
	return out, nil
}

func (s *Server) handleRecordReadings() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "meter")
		if err != nil {
			return err
		}
		in, err := s.readReadings(w, r)
		if err != nil {
			return err
		}
		status := routeStatus(r)
		ctx := answeringStatus(r, func(res *porter.IngestResult) (int, any) {
			if res.Created == 0 {
				return http.StatusOK, data{res}
			}
			return status, data{res}
		})
		res, err := s.svc.RecordMeterReadings(ctx, orgID(r), id, in)
		if err != nil {
			return err
		}
		if res.Created == 0 {
			writeJSON(w, http.StatusOK, data{res}) // all duplicates: nothing new
			return nil
		}
		return encode(w, r, data{res})
	}
}

func (s *Server) handleListMeters() handlerFunc {
	return listOf(s, func(q *query) porter.MeterFilter {
		return porter.MeterFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			AssetID: q.id("asset_id"), Kind: q.str("kind", porter.MeterKinds...)}
	}, s.svc.Meters)
}

// readingRange reads from (included) and to (excluded); a bare date is
// its midnight, UTC.
func readingRange(q *query) (from, to *time.Time) {
	return q.time("from"), q.time("to")
}

func (s *Server) handleListReadings() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "meter")
		if err != nil {
			return err
		}
		return listOf(s, func(q *query) porter.ReadingFilter {
			from, to := readingRange(q)
			return porter.ReadingFilter{ListParams: q.list(), MeterID: id, From: from, To: to}
		}, s.svc.MeterReadings)(w, r)
	}
}

func (s *Server) handleMeterSeries() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "meter")
		if err != nil {
			return err
		}
		q := newQuery(r)
		from, to := readingRange(q)
		bucket := q.str("bucket", porter.SeriesBuckets...)
		if err := q.Err(); err != nil {
			return err
		}
		ser, err := s.svc.MeterSeries(r.Context(), orgID(r), id, from, to, bucket)
		if err != nil {
			return err
		}
		return encode(w, r, data{ser})
	}
}

// addMeterRoutes declares the meter endpoints (meters:read, meters:write).
func (s *Server) addMeterRoutes() {
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	timeRange := []queryParam{
		{Name: "from", Type: "date-time", Description: "Only readings read at or after this time (a bare date is its midnight UTC)"},
		{Name: "to", Type: "date-time", Description: "Only readings read before this time (excluded)"}}
	s.handle(&route{Method: get, Path: "/v1/meters", API: v1API, Scope: "meters:read", Tag: "Meters",
		Summary: "List meters, newest first", Response: []meterView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "asset_id", Type: "integer"}, queryParam{Name: "kind", Type: "string", Enum: porter.MeterKinds})}, s.handleListMeters())
	s.handle(&route{Method: post, Path: "/v1/meters", API: v1API, Scope: "meters:write", Tag: "Meters",
		Summary: "Add a meter to a property (or a unit, or an asset)", Request: meterInput{}, Response: meterView{}, Status: http.StatusCreated},
		createOne(s, s.svc.CreateMeter))
	s.handle(&route{Method: get, Path: "/v1/meters/{id}", API: v1API, Scope: "meters:read", Tag: "Meters",
		Summary: "Get a meter", Response: meterView{}}, getOne("meter", s.svc.Meter))
	s.handle(&route{Method: patch, Path: "/v1/meters/{id}", API: v1API, Scope: "meters:write", Tag: "Meters",
		Summary: "Edit a meter (0 or \"\" clears unit_id, asset_id, external_ref)", Request: meterInput{}, Response: meterView{}},
		updateOne(s, "meter", s.svc.UpdateMeter))
	s.handle(&route{Method: del, Path: "/v1/meters/{id}", API: v1API, Scope: "meters:write", Tag: "Meters",
		Summary: "Delete a meter and all its readings; answers the meter as it was", Response: meterView{}}, act("meter", s.svc.DeleteMeter))
	s.handle(&route{Method: post, Path: "/v1/meters/{id}/readings", API: v1API, Scope: "meters:write", Tag: "Meters", Also: []int{http.StatusOK},
		Summary: fmt.Sprintf("Record one reading or a batch of up to %d, all or nothing (201); a reading already stored (same source and source_id) is a duplicate, not an error, and a request of duplicates only answers 200", porter.MaxReadingsPerBatch),
		Request: readingsBody{}, Response: ingestResultView{}, Status: http.StatusCreated}, s.handleRecordReadings())
	s.handle(&route{Method: get, Path: "/v1/meters/{id}/readings", API: v1API, Scope: "meters:read", Tag: "Meters",
		Summary: "List a meter's readings, latest read first", Response: []meterReadingView{}, List: true,
		Query: append(listParams[:len(listParams):len(listParams)], timeRange...)}, s.handleListReadings())
	s.handle(&route{Method: get, Path: "/v1/meters/{id}/series", API: v1API, Scope: "meters:read", Tag: "Meters",
		Summary:  "A meter's readings downsampled for a chart: min, max, avg, last and count per hour, day, week (from Monday) or month, in UTC; empty buckets are left out",
		Response: meterSeriesView{}, Query: append(timeRange[:2:2], queryParam{Name: "bucket", Type: "string", Enum: porter.SeriesBuckets,
			Description: "default day; to defaults to now and from to a span that suits the bucket"})}, s.handleMeterSeries())
}
