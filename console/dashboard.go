package console

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"porter"
)

type dashboardData struct {
	*porter.Dashboard
	PaymentsChart, DeliveriesChart template.HTML
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, u *porter.User) {
	d, err := c.svc.Dashboard(r.Context(), u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	days := make([]bar, len(d.Days))
	for i, day := range d.Days {
		label := day.Day.Format("Jan 2")
		days[i] = bar{Label: label, Values: []int64{int64(day.Amount)}, Title: label + ": " + day.Amount.String()}
	}
	hours := make([]bar, len(d.Hours))
	for i, h := range d.Hours {
		hours[i] = bar{Label: h.Hour.Format("15"), Values: []int64{int64(h.Succeeded), int64(h.Failed)},
			Title: fmt.Sprintf("%s UTC: %d succeeded, %d failed", h.Hour.Format("Jan 2 15:00"), h.Succeeded, h.Failed)}
	}
	data := dashboardData{Dashboard: d,
		PaymentsChart:   barChart("payments-chart", "Payments per day", []string{"paid"}, days),
		DeliveriesChart: barChart("deliveries-chart", "Webhook deliveries per hour, succeeded and failed", []string{"ok", "failed"}, hours),
	}
	c.render(w, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", User: u, Data: data})
}

// bar is one bar of a chart: its segments, stacked from the bottom, and
// what a screen reader or a hover says of it.
type bar struct {
	Label, Title string
	Values       []int64
}

// barChart draws stacked bars as SVG on the server: no script, and each
// bar carries a <title> that screen readers and hovering read. classes
// name each segment's CSS class, bottom first.
func barChart(id, title string, classes []string, bars []bar) template.HTML {
	const width, height, top, bottom = 700, 180, 20, 30
	var maxV int64
	for _, b := range bars {
		var sum int64
		for _, v := range b.Values {
			sum += v
		}
		maxV = max(maxV, sum)
	}
	slot := float64(width) / float64(len(bars))
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" id="%s" role="img" aria-labelledby="%s-title" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMidYMid meet">`, id, id, width, height)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(title))
	for i, br := range bars {
		x := float64(i)*slot + slot*0.15
		y := float64(height - bottom)
		fmt.Fprintf(&b, `<g data-bar="%d"><title>%s</title>`, i, esc(br.Title))
		for j, v := range br.Values {
			h := 0.0
			if maxV > 0 {
				h = float64(v) / float64(maxV) * float64(height-top-bottom)
			}
			y -= h
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-value="%s"></rect>`,
				esc(classes[j%len(classes)]), x, y, slot*0.7, h, strconv.FormatInt(v, 10))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text></g>`, x+slot*0.35, height-bottom+14, esc(br.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
