package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

func TestConsoleMeters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := context.Background()
		p, err := s.svc.CreateProperty(ctx, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		m, err := s.svc.CreateMeter(ctx, s.org, porter.MeterInput{PropertyID: &p.ID, Name: ptr("<script>alert(1)</script> Main"),
			Kind: ptr("electricity"), UnitOfMeasure: ptr("kWh"), ExternalRef: ptr("em-1")})
		must(t, err)
		var in []porter.ReadingInput
		for i, at := range []string{"2026-05-07T10:00:00Z", "2026-05-07T18:00:00Z", "2026-05-08T10:00:00Z", "2026-05-09T09:00:00Z"} {
			v := float64(10 + i)
			in = append(in, porter.ReadingInput{Value: &v, ReadAt: ptr(at)})
		}
		_, err = s.svc.RecordMeterReadings(ctx, s.org, m.ID, in)
		must(t, err)
		op, err := s.svc.CreateProperty(ctx, s.otherOrg, porter.PropertyInput{Name: ptr("Elsewhere")})
		must(t, err)
		theirs, err := s.svc.CreateMeter(ctx, s.otherOrg, porter.MeterInput{PropertyID: &op.ID, Name: ptr("Their meter"), Kind: ptr("water"), UnitOfMeasure: ptr("m3")})
		must(t, err)

		ck := signInHTTP(t, s, "viewer@acme.test", password)
		code, body := get(t, s.URL+"/meters/"+itoa(m.ID), ck)
		if code != http.StatusOK || strings.Contains(body, "<script>alert") || strings.Count(body, "<circle") != 3 {
			t.Fatalf("meter page: %d, %d points", code, strings.Count(body, "<circle"))
		}
		if code, body := get(t, s.URL+"/meters/"+itoa(m.ID)+"?bucket=hour", ck); code != 200 || strings.Count(body, "<circle") != 4 {
			t.Fatalf("hourly: %d, %d points", code, strings.Count(body, "<circle"))
		}
		if code, body := get(t, s.URL+"/meters/"+itoa(theirs.ID), ck); code != http.StatusNotFound || strings.Contains(body, "Their meter") {
			t.Fatalf("another org's meter: %d", code)
		}
		if code, body := get(t, s.URL+"/meters", ck); code != 200 || strings.Contains(body, "Their meter") || !strings.Contains(body, "1 meters") {
			t.Fatalf("list: %d", code)
		}
		if code, _ := get(t, s.URL+"/meters?kind=steam", ck); code != http.StatusBadRequest {
			t.Fatalf("bad kind: %d", code)
		}

		// The flow in a browser: the list, then the meter and its chart.
		tb := tab(t)
		s.signIn(t, tb, "viewer@acme.test", password)
		run(t, tb, chromedp.Navigate(s.URL+"/meters"), chromedp.WaitVisible("table", chromedp.ByQuery))
		run(t, tb, chromedp.Click(`a[href="/meters/`+itoa(m.ID)+`"]`, chromedp.ByQuery), chromedp.WaitVisible("figure", chromedp.ByQuery), chromedp.WaitReady("#meter-chart", chromedp.ByQuery))
		if h1 := text(t, tb, "h1"); h1 != "<script>alert(1)</script> Main" {
			t.Fatalf("h1 = %q", h1)
		}

	})
}
