package console

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"porter"
)

// Facilities: meters and their readings, read-only.

type metersData struct {
	Items []*porter.Meter
	Kind  string
	Kinds []string
	Pager pager
}

func (c *Console) meters(w http.ResponseWriter, r *http.Request, u *porter.User) {
	f := porter.MeterFilter{ListParams: listParams(r), Kind: r.URL.Query().Get("kind")}
	list, err := c.svc.Meters(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := metersData{Items: list.Items, Kind: f.Kind, Kinds: porter.MeterKinds, Pager: newPager(r, f.ListParams, list.Total)}
	c.render(w, http.StatusOK, "meters", view{Title: "Meters", Nav: "meters", User: u, Data: d})
}

type meterData struct {
	Meter    *porter.Meter
	Series   *porter.MeterSeries
	Chart    template.HTML
	Bucket   string
	Buckets  []string
	Readings []*porter.MeterReading
}

func (c *Console) meter(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	m, err := c.svc.Meter(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	bucket := r.URL.Query().Get("bucket")
	if !slices.Contains(porter.SeriesBuckets, bucket) {
		bucket = "day"
	}
	d := meterData{Meter: m, Bucket: bucket, Buckets: porter.SeriesBuckets}
	if d.Series, err = c.svc.MeterSeries(ctx, u.OrgID, id, nil, nil, bucket); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Chart = seriesChart("meter-chart", fmt.Sprintf("%s per %s (%s): average, with the minimum and maximum", m.Name, bucket, m.UnitOfMeasure), d.Series)
	readings, err := c.svc.MeterReadings(ctx, u.OrgID, porter.ReadingFilter{MeterID: id, ListParams: porter.ListParams{PerPage: 10}})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Readings = readings.Items
	c.render(w, http.StatusOK, "meter", view{Title: m.Name, Nav: "meters", User: u, Data: d})
}

// seriesChart draws a series as SVG on the server, like the dashboard's
// bars: a band from min to max and a line through the averages, each
// point with a <title> for screen readers and hovering.
func seriesChart(id, title string, s *porter.MeterSeries) template.HTML {
	const width, height, pad = 700, 200, 24
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="series" id="%s" role="img" aria-labelledby="%s-title" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMidYMid meet">`, id, id, width, height)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(title))
	if len(s.Points) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">No readings in this range.</text></svg>`, width/2, height/2)
		return template.HTML(b.String())
	}
	lo, hi := s.Points[0].Min, s.Points[0].Max
	for _, p := range s.Points {
		lo, hi = min(lo, p.Min), max(hi, p.Max)
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	span := s.To.Sub(s.From).Seconds()
	x := func(p porter.SeriesPoint) float64 {
		return pad + (p.Start.Sub(s.From).Seconds()/span)*float64(width-2*pad)
	}
	y := func(v float64) float64 { return float64(height-pad) - (v-lo)/(hi-lo)*float64(height-2*pad) }
	var line []string
	for i, p := range s.Points {
		fmt.Fprintf(&b, `<g data-point="%d"><title>%s: avg %s, min %s, max %s, last %s %s (%d readings)</title>`, i,
			p.Start.Format("2006-01-02 15:04"), num(p.Avg), num(p.Min), num(p.Max), num(p.Last), esc(s.UnitOfMeasure), p.Count)
		fmt.Fprintf(&b, `<line class="range" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"></line>`, x(p), y(p.Min), x(p), y(p.Max))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3"></circle></g>`, x(p), y(p.Avg))
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(p), y(p.Avg)))
	}
	fmt.Fprintf(&b, `<polyline points="%s"></polyline>`, strings.Join(line, " "))
	fmt.Fprintf(&b, `<text x="%d" y="%d">%s %s</text><text x="%d" y="%d">%s</text>`, pad, pad-8, num(hi), esc(s.UnitOfMeasure), pad, height-6, num(lo))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
