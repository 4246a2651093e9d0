package porter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// meterFixture is an organization with a property, a unit and a meter.
type meterFixture struct {
	svc                  *porter.Service
	org, property, unit  int64
	meter                *porter.Meter
	otherOrg, otherMeter int64
	asset, otherAsset    int64
}

func newMeterFixture(t *testing.T, s porter.Store) *meterFixture {
	t.Helper()
	ctx := context.Background()
	svc, org := newService(t, s)
	f := &meterFixture{svc: svc, org: org}
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Tower A")})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1504")})
	if err != nil {
		t.Fatal(err)
	}
	f.property, f.unit = p.ID, u.ID
	if f.meter, err = svc.CreateMeter(ctx, org, porter.MeterInput{UnitID: &u.ID, Name: ptr("Main electricity"), Kind: ptr("electricity"),
		UnitOfMeasure: ptr("kWh"), ExternalRef: ptr("em-1504")}); err != nil {
		t.Fatal(err)
	}
	other := &porter.Organization{Name: "Other", CreatedAt: svc.Now(), LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(ctx, other); err != nil {
		t.Fatal(err)
	}
	op, err := svc.CreateProperty(ctx, other.ID, porter.PropertyInput{Name: ptr("Elsewhere")})
	if err != nil {
		t.Fatal(err)
	}
	om, err := svc.CreateMeter(ctx, other.ID, porter.MeterInput{PropertyID: &op.ID, Name: ptr("Water"), Kind: ptr("water"),
		UnitOfMeasure: ptr("m3"), ExternalRef: ptr("em-1504")}) // the same ref in another organization is fine
	if err != nil {
		t.Fatal(err)
	}
	f.otherOrg, f.otherMeter = other.ID, om.ID
	a, err := svc.CreateAsset(ctx, org, porter.AssetInput{PropertyID: &p.ID, Name: ptr("Air handler")})
	if err != nil {
		t.Fatal(err)
	}
	oa, err := svc.CreateAsset(ctx, other.ID, porter.AssetInput{PropertyID: &op.ID, Name: ptr("Air handler")})
	if err != nil {
		t.Fatal(err)
	}
	f.asset, f.otherAsset = a.ID, oa.ID
	return f
}

func fieldsOf(err error) string {
	var names []string
	if e, ok := err.(*porter.Error); ok {
		for _, f := range e.Fields {
			names = append(names, f.Field)
		}
	}
	return strings.Join(names, ",")
}

func TestMeterValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		if f.meter.PropertyID != f.property || f.meter.UnitID == nil || *f.meter.UnitID != f.unit {
			t.Fatalf("meter placed on %d/%v", f.meter.PropertyID, f.meter.UnitID)
		}
		bad := int64(999999)
		for _, c := range []struct {
			in    porter.MeterInput
			field string
		}{
			{porter.MeterInput{Name: ptr("x"), Kind: ptr("water"), UnitOfMeasure: ptr("m3")}, "property_id"},
			{porter.MeterInput{PropertyID: &f.property, Kind: ptr("water"), UnitOfMeasure: ptr("m3")}, "name"},
			{porter.MeterInput{PropertyID: &f.property, Name: ptr("x"), Kind: ptr("steam"), UnitOfMeasure: ptr("m3")}, "kind"},
			{porter.MeterInput{PropertyID: &f.property, Name: ptr("x"), Kind: ptr("water")}, "unit_of_measure"},
			{porter.MeterInput{PropertyID: &bad, Name: ptr("x"), Kind: ptr("water"), UnitOfMeasure: ptr("m3")}, "property_id"},
			{porter.MeterInput{UnitID: &bad, Name: ptr("x"), Kind: ptr("water"), UnitOfMeasure: ptr("m3")}, "unit_id"},
			{porter.MeterInput{PropertyID: &f.property, Name: ptr("x"), Kind: ptr("water"), UnitOfMeasure: ptr("m3"), ExternalRef: ptr("em-1504")}, "external_ref"},
			{porter.MeterInput{PropertyID: &f.property, Name: ptr("x"), Kind: ptr("water"), UnitOfMeasure: ptr("m3"), AssetID: &f.otherAsset}, "asset_id"},
		} {
			_, err := f.svc.CreateMeter(ctx, f.org, c.in)
			if porter.ErrorCode(err) != porter.EINVALID || fieldsOf(err) != c.field {
				t.Errorf("%+v: %v (fields %s), want %s", c.in, err, fieldsOf(err), c.field)
			}
		}
		if l, _ := f.svc.Meters(ctx, f.org, porter.MeterFilter{}); l.Total != 1 {
			t.Fatalf("bad input wrote meters: %d", l.Total)
		}
		// Edits: 0 clears the unit, the property stays.
		m, err := f.svc.UpdateMeter(ctx, f.org, f.meter.ID, porter.MeterInput{UnitID: ptr(int64(0)), AssetID: &f.asset})
		if err != nil || m.UnitID != nil || m.PropertyID != f.property || m.AssetID == nil || *m.AssetID != f.asset {
			t.Fatalf("update = %+v, %v", m, err)
		}
		// Another organization's meter is not found, whatever the call.
		if _, err := f.svc.Meter(ctx, f.org, f.otherMeter); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org's meter: %v", err)
		}
		if _, err := f.svc.RecordMeterReadings(ctx, f.org, f.otherMeter, []porter.ReadingInput{{Value: ptr(1.0)}}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("record on other org's meter: %v", err)
		}
		if _, err := f.svc.DeleteMeter(ctx, f.org, f.otherMeter); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("delete other org's meter: %v", err)
		}
	})
}

func TestMeterReadingsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		r := func(v float64, at, sid string) porter.ReadingInput {
			in := porter.ReadingInput{Value: &v, ReadAt: &at, Source: ptr("bms")}
			if sid != "" {
				in.SourceID = &sid
			}
			return in
		}
		batch := []porter.ReadingInput{r(1.5, "2025-05-01T10:00:00Z", "a"), r(2.5, "2025-05-01T10:30:00Z", "b"),
			r(9, "2025-05-01T10:45:00Z", "a"), r(3, "2025-05-01T11:00:00Z", "")}
		res, err := f.svc.RecordMeterReadings(ctx, f.org, f.meter.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 || res.Duplicates != 1 || res.Results[2].Status != porter.IngestDuplicate || res.Results[0].Status != porter.IngestCreated {
			t.Fatalf("first batch = %+v", res)
		}
		// The same batch again: the keyed readings are duplicates, the
		// unkeyed one is appended again.
		res, err = f.svc.RecordMeterReadings(ctx, f.org, f.meter.ID, batch)
		if err != nil || res.Created != 1 || res.Duplicates != 3 {
			t.Fatalf("resent batch = %+v, %v", res, err)
		}
		// A bad reading refuses the whole request, naming it.
		_, err = f.svc.RecordMeterReadings(ctx, f.org, f.meter.ID, []porter.ReadingInput{r(1, "2025-05-01T12:00:00Z", "c"), {ReadAt: ptr("2025-05-01")}, r(1, "yesterday", "d")})
		if porter.ErrorCode(err) != porter.EINVALID || fieldsOf(err) != "readings[1].value,readings[2].read_at" {
			t.Fatalf("bad batch: %v (%s)", err, fieldsOf(err))
		}
		if _, err := f.svc.RecordMeterReadings(ctx, f.org, f.meter.ID, []porter.ReadingInput{r(1, "2030-01-01T00:00:00Z", "")}); fieldsOf(err) != "read_at" {
			t.Fatalf("future reading: %v", err)
		}
		l, err := f.svc.MeterReadings(ctx, f.org, porter.ReadingFilter{MeterID: f.meter.ID})
		if err != nil || l.Total != 4 {
			t.Fatalf("readings = %d, %v", l.Total, err)
		}
		if l.Items[0].ReadAt.Format(time.RFC3339) != "2025-05-01T11:00:00Z" || l.Items[len(l.Items)-1].Value != 1.5 {
			t.Fatalf("order: %+v first, %+v last", l.Items[0], l.Items[len(l.Items)-1])
		}
		// from is included, to excluded; a cursor continues in time order.
		from, to := time.Date(2025, 5, 1, 10, 30, 0, 0, time.UTC), time.Date(2025, 5, 1, 11, 0, 0, 0, time.UTC)
		l, _ = f.svc.MeterReadings(ctx, f.org, porter.ReadingFilter{MeterID: f.meter.ID, From: &from, To: &to})
		if l.Total != 1 || l.Items[0].Value != 2.5 {
			t.Fatalf("from/to = %+v", l.Items)
		}
		page1, _ := f.svc.MeterReadings(ctx, f.org, porter.ReadingFilter{MeterID: f.meter.ID, ListParams: porter.ListParams{PerPage: 2}})
		page2, _ := f.svc.MeterReadings(ctx, f.org, porter.ReadingFilter{MeterID: f.meter.ID, ListParams: porter.ListParams{PerPage: 2, After: page1.Items[1].ID}})
		if len(page2.Items) != 2 || page2.Items[0].ReadAt.After(page1.Items[1].ReadAt) || page2.Items[1].Value != 1.5 {
			t.Fatalf("cursor page = %+v after %+v", page2.Items, page1.Items)
		}
	})
}

func TestIngestReadingsByRef(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		v := 21.5
		res, err := f.svc.IngestReadings(ctx, f.org, []porter.ReadingInput{
			{MeterRef: ptr("em-1504"), Value: &v, SourceID: ptr("x1")},
			{MeterRef: ptr("nope"), Value: &v},
			{MeterID: &f.otherMeter, Value: &v}, // another organization's
			{MeterID: &f.meter.ID, Value: &v, SourceID: ptr("x1")},
			{MeterID: &f.meter.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"created", "error", "error", "duplicate", "error"}
		for i, it := range res.Results {
			if it.Status != want[i] {
				t.Errorf("reading %d: %+v, want %s", i, it, want[i])
			}
		}
		if res.Created != 1 || res.Duplicates != 1 || res.Errors != 3 || !strings.Contains(res.Results[1].Error, `"nope"`) ||
			!strings.Contains(res.Results[4].Error, "value") {
			t.Fatalf("result = %+v", res)
		}
		if l, _ := f.svc.MeterReadings(ctx, f.otherOrg, porter.ReadingFilter{MeterID: f.otherMeter}); l.Total != 0 {
			t.Fatalf("wrote into another organization: %d", l.Total)
		}
		if _, err := f.svc.IngestReadings(ctx, f.org, make([]porter.ReadingInput, porter.MaxReadingsPerBatch+1)); fieldsOf(err) != "readings" {
			t.Fatalf("oversized batch: %v", err)
		}
	})
}

func TestMeterSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		// Wednesday 2025-04-30 to Friday 2025-05-02, every 20 minutes,
		// value = minutes since the start.
		start := time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)
		var in []porter.ReadingInput
		for m := 0; m < 3*24*60; m += 20 {
			v := float64(m)
			in = append(in, porter.ReadingInput{Value: &v, ReadAt: ptr(start.Add(time.Duration(m) * time.Minute).Format(time.RFC3339))})
		}
		if _, err := f.svc.RecordMeterReadings(ctx, f.org, f.meter.ID, in); err != nil {
			t.Fatal(err)
		}
		end := start.Add(72 * time.Hour)
		check := func(bucket string, want []string) {
			t.Helper()
			ser, err := f.svc.MeterSeries(ctx, f.org, f.meter.ID, &start, &end, bucket)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ser.Points {
				got = append(got, fmt.Sprintf("%s %g %g %g %g %d", p.Start.Format(time.RFC3339), p.Min, p.Max, p.Avg, p.Last, p.Count))
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s:\n got %v\nwant %v", bucket, got, want)
			}
		}
		check("day", []string{"2025-04-30T00:00:00Z 0 1420 710 1420 72", "2025-05-01T00:00:00Z 1440 2860 2150 2860 72",
			"2025-05-02T00:00:00Z 2880 4300 3590 4300 72"})
		check("month", []string{"2025-04-01T00:00:00Z 0 1420 710 1420 72", "2025-05-01T00:00:00Z 1440 4300 2870 4300 144"})
		check("week", []string{"2025-04-28T00:00:00Z 0 4300 2150 4300 216"})
		h1, h2 := start.Add(time.Hour), start.Add(3*time.Hour)
		ser, err := f.svc.MeterSeries(ctx, f.org, f.meter.ID, &h1, &h2, "hour")
		if err != nil || len(ser.Points) != 2 || ser.Points[0].Min != 60 || ser.Points[1].Last != 160 || ser.Points[1].Count != 3 {
			t.Fatalf("hours = %+v, %v", ser, err)
		}
		// Refusals name the parameter.
		if _, err := f.svc.MeterSeries(ctx, f.org, f.meter.ID, &end, &start, "day"); fieldsOf(err) != "to" {
			t.Fatalf("reversed range: %v", err)
		}
		far := start.AddDate(-5, 0, 0)
		if _, err := f.svc.MeterSeries(ctx, f.org, f.meter.ID, &far, &end, "hour"); fieldsOf(err) != "bucket" {
			t.Fatalf("too many buckets: %v", err)
		}
		if _, err := f.svc.MeterSeries(ctx, f.org, f.otherMeter, &start, &end, "day"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org's series: %v", err)
		}
		// Deleting the meter deletes its readings.
		if _, err := f.svc.DeleteMeter(ctx, f.org, f.meter.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.MeterSeries(ctx, f.org, f.meter.ID, &start, &end, "day"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("deleted meter's series: %v", err)
		}
	})
}
