package console

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"porter"
)

// dashboardCap bounds the records a dashboard count reads, so that a page
// costs the same however large the portfolio; a count at the cap says so.
const dashboardCap = 1000

type dashboardData struct {
	OpenWorkOrders, OverdueWorkOrders int
	ChargesDue, ChargesOverdue        int
	DueBalance, OverdueBalance        porter.Money
	Expiring                          [3]int // within 30, 60, 90 days
	FailedDeliveries                  int
	Chart                             template.HTML
	Truncated                         bool
	Cap                               int
}

// scan reads a newest-first list page by page, up to dashboardCap items,
// until fn says stop. It reports whether it stopped at the cap.
func scan[T any](fetch func(porter.ListParams) (porter.List[T], error), fn func(T) bool) (bool, error) {
	seen := 0
	for page := 1; ; page++ {
		l, err := fetch(porter.ListParams{Page: page, PerPage: porter.MaxPerPage})
		if err != nil {
			return false, err
		}
		for _, it := range l.Items {
			if !fn(it) {
				return false, nil
			}
			seen++
		}
		if len(l.Items) < porter.MaxPerPage || page*porter.MaxPerPage >= l.Total {
			return false, nil
		}
		if seen >= dashboardCap {
			return true, nil
		}
	}
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, u *porter.User) {
	d, err := c.dashboardData(r.Context(), u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", User: u, Data: d})
}

func (c *Console) dashboardData(ctx context.Context, org int64) (*dashboardData, error) {
	svc := c.svc
	now := svc.Now().UTC()
	today := now.Format(porter.DateLayout)
	d := &dashboardData{Cap: dashboardCap}
	note := func(capped bool, err error) error {
		d.Truncated = d.Truncated || capped
		return err
	}
	for _, st := range []string{porter.WorkOrderOpen, porter.WorkOrderAssigned, porter.WorkOrderInProgress, porter.WorkOrderOnHold} {
		err := note(scan(func(p porter.ListParams) (porter.List[*porter.WorkOrder], error) {
			return svc.WorkOrders(ctx, org, porter.WorkOrderFilter{ListParams: p, Status: st})
		}, func(wo *porter.WorkOrder) bool {
			d.OpenWorkOrders++
			if wo.DueAt.Before(now) {
				d.OverdueWorkOrders++
			}
			return true
		}))
		if err != nil {
			return nil, fmt.Errorf("dashboard: work orders: %w", err)
		}
	}
	for _, st := range []string{porter.ChargeOpen, "partially_paid"} {
		err := note(scan(func(p porter.ListParams) (porter.List[*porter.Charge], error) {
			return svc.Charges(ctx, org, porter.ChargeFilter{ListParams: p, Status: st})
		}, func(ch *porter.Charge) bool {
			if ch.DueDate < today {
				d.ChargesOverdue++
				d.OverdueBalance += ch.Balance
			} else {
				d.ChargesDue++
				d.DueBalance += ch.Balance
			}
			return true
		}))
		if err != nil {
			return nil, fmt.Errorf("dashboard: charges: %w", err)
		}
	}
	limits := [3]string{now.AddDate(0, 0, 30).Format(porter.DateLayout), now.AddDate(0, 0, 60).Format(porter.DateLayout), now.AddDate(0, 0, 90).Format(porter.DateLayout)}
	err := note(scan(func(p porter.ListParams) (porter.List[*porter.Lease], error) {
		return svc.Leases(ctx, org, porter.LeaseFilter{ListParams: p, Status: porter.LeaseActive})
	}, func(l *porter.Lease) bool {
		for i, lim := range limits {
			if l.EndDate != "" && l.EndDate >= today && l.EndDate <= lim {
				d.Expiring[i]++
			}
		}
		return true
	}))
	if err != nil {
		return nil, fmt.Errorf("dashboard: leases: %w", err)
	}
	dayAgo := now.Add(-24 * time.Hour)
	err = note(scan(func(p porter.ListParams) (porter.List[*porter.Delivery], error) {
		return svc.Deliveries(ctx, org, porter.DeliveryFilter{ListParams: p, Status: porter.DeliveryFailed})
	}, func(dl *porter.Delivery) bool {
		// Newest first by creation; a delivery fails at its last retry,
		// which may come days after it was created.
		if dl.CreatedAt.Before(now.Add(-7 * 24 * time.Hour)) {
			return false
		}
		if !dl.UpdatedAt.Before(dayAgo) {
			d.FailedDeliveries++
		}
		return true
	}))
	if err != nil {
		return nil, fmt.Errorf("dashboard: deliveries: %w", err)
	}
	const days = 14
	var perDay [days]porter.Money
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(days - 1))
	err = note(scan(func(p porter.ListParams) (porter.List[*porter.Payment], error) {
		return svc.Payments(ctx, org, porter.PaymentFilter{ListParams: p, Status: porter.PaymentSucceeded})
	}, func(pm *porter.Payment) bool {
		if pm.CreatedAt.Before(first) {
			return false
		}
		if i := int(pm.CreatedAt.Sub(first) / (24 * time.Hour)); i >= 0 && i < days {
			perDay[i] += pm.Amount
		}
		return true
	}))
	if err != nil {
		return nil, fmt.Errorf("dashboard: payments: %w", err)
	}
	labels := make([]string, days)
	for i := range labels {
		labels[i] = first.AddDate(0, 0, i).Format("Jan 2")
	}
	d.Chart = barChart("Payments per day", labels, perDay[:])
	return d, nil
}

// barChart draws amounts as an SVG bar chart, on the server: no script,
// and readable by a screen reader through its title and table-like labels.
func barChart(title string, labels []string, values []porter.Money) template.HTML {
	const width, height, top, bottom = 700, 180, 20, 30
	var maxV porter.Money
	for _, v := range values {
		maxV = max(maxV, v)
	}
	slot := float64(width) / float64(len(values))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" role="img" aria-labelledby="chart-title" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMidYMid meet">`, width, height)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title>`, template.HTMLEscapeString(title))
	for i, v := range values {
		h := 0.0
		if maxV > 0 {
			h = float64(v) / float64(maxV) * float64(height-top-bottom)
		}
		x := float64(i)*slot + slot*0.15
		y := float64(height-bottom) - h
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x, y, slot*0.7, h, template.HTMLEscapeString(labels[i]), template.HTMLEscapeString(v.String()))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+slot*0.35, height-bottom+14, template.HTMLEscapeString(labels[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
