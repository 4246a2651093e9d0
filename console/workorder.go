package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"porter"
)

// workOrderFilters are a work order list's filters, as in the URL.
type workOrderFilters struct {
	Status, Priority, Q string
	PropertyID          int64
	Overdue             bool
}

type workOrdersData struct {
	Items      []*porter.WorkOrder
	Filter     workOrderFilters
	Statuses   []string
	Priorities []string
	Picks      *opsPicks
	Pager      pager
	Form       url.Values
	Error      string
	now        time.Time
}

// Late says whether w is past its SLA deadline and not yet resolved.
func (d workOrdersData) Late(w *porter.WorkOrder) bool { return workOrderLate(w, d.now) }

func workOrderLate(w *porter.WorkOrder, now time.Time) bool {
	switch w.Status {
	case porter.WorkOrderOpen, porter.WorkOrderAssigned, porter.WorkOrderInProgress, porter.WorkOrderOnHold:
		return !now.Before(w.DueAt)
	}
	return false
}

func (c *Console) workOrders(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderWorkOrders(w, r, u, http.StatusOK, nil, "")
}

// renderWorkOrders shows the list with its filters and, for those who may
// write, the form that opens a work order (form and msg: a refused one).
func (c *Console) renderWorkOrders(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form url.Values, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	q := r.URL.Query()
	fl := workOrderFilters{Status: q.Get("status"), Priority: q.Get("priority"), Q: strings.TrimSpace(q.Get("q")), Overdue: q.Get("overdue") == "1"}
	var err error
	if fl.PropertyID, err = opsQueryID(r, "property_id"); err == nil {
		if err = opsOneOf("status", fl.Status, porter.WorkOrderStatuses...); err == nil {
			err = opsOneOf("priority", fl.Priority, porter.WorkOrderPriorities...)
		}
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.WorkOrderFilter{ListParams: listParams(r), Status: fl.Status, Priority: fl.Priority,
		PropertyID: fl.PropertyID, Search: fl.Q, Overdue: fl.Overdue}
	ctx := r.Context()
	list, err := c.svc.WorkOrders(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	picks, err := c.opsPicks(ctx, u.OrgID, opsPickProperties|opsPickUnits)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if form == nil {
		form = url.Values{"priority": {porter.PriorityNormal}}
	}
	d := workOrdersData{Items: list.Items, Filter: fl, Statuses: porter.WorkOrderStatuses, Priorities: porter.WorkOrderPriorities,
		Picks: picks, Pager: newPager(r, f.ListParams, list.Total), Form: form, Error: msg, now: c.svc.Now()}
	c.render(w, status, "workorders", view{Title: "Work orders", Nav: "work-orders", User: u, Data: d})
}

// createWorkOrder opens a work order; bad input shows the form again.
func (c *Console) createWorkOrder(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	form := r.PostForm
	in := porter.WorkOrderInput{Title: opsText(form, "title"), Description: opsText(form, "description"),
		Priority: opsText(form, "priority"), Category: opsText(form, "category")}
	wo, err := func() (*porter.WorkOrder, error) {
		var err error
		if in.PropertyID, err = opsID(form, "property_id"); err != nil {
			return nil, err
		}
		if in.UnitID, err = opsID(form, "unit_id"); err != nil {
			return nil, err
		}
		return c.svc.CreateWorkOrder(r.Context(), u.OrgID, in)
	}()
	if err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderWorkOrders(w, r, u, http.StatusBadRequest, form, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/work-orders/"+strconv.FormatInt(wo.ID, 10))
}

type workOrderData struct {
	W            *porter.WorkOrder
	PropertyName string
	UnitName     string
	Vendor       *porter.Vendor
	VendorID     int64           // 0: none
	Can          map[string]bool // the actions its status allows
	Late         bool
	Picks        *opsPicks
	Priorities   []string
	Documents    []*porter.Document // the newest attached to it
	Events       []*porter.Event
	Error        string
}

// workOrderActionNames are the state machine's actions, in the order the
// page shows their buttons.
var workOrderActionNames = []string{"assign", "start", "hold", "resume", "complete", "verify", "close", "cancel"}

func (c *Console) workOrder(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderWorkOrder(w, r, u, id, http.StatusOK, "")
}

func (c *Console) renderWorkOrder(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, msg string) {
	ctx := r.Context()
	wo, err := c.svc.WorkOrder(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := workOrderData{W: wo, Can: map[string]bool{}, Priorities: porter.WorkOrderPriorities, Late: workOrderLate(wo, c.svc.Now()), Error: msg}
	for _, a := range workOrderActionNames {
		d.Can[a] = porter.WorkOrderActionAllowed(a, wo.Status)
	}
	p, err := c.svc.Property(ctx, u.OrgID, wo.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.PropertyName = p.Name
	if wo.UnitID != nil {
		un, err := c.svc.Unit(ctx, u.OrgID, *wo.UnitID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.UnitName = un.Name
	}
	if wo.VendorID != nil {
		d.VendorID = *wo.VendorID
		if d.Vendor, err = c.svc.Vendor(ctx, u.OrgID, *wo.VendorID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	if d.Can["assign"] && u.CanWrite() {
		if d.Picks, err = c.opsPicks(ctx, u.OrgID, opsPickVendors|opsPickStaff); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	docs, err := c.svc.Documents(ctx, u.OrgID, porter.DocumentFilter{ListParams: porter.ListParams{Page: 1, PerPage: 10}, Scope: "work_order", ScopeID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Documents = docs.Items
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "work_order", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, status, "workorder", view{Title: wo.Title, Nav: "work-orders", User: u, Data: d})
}

// updateWorkOrder edits what a work order is about; its status changes
// only through the actions.
func (c *Console) updateWorkOrder(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	form := r.PostForm
	in := porter.WorkOrderPatch{Title: opsText(form, "title"), Description: opsText(form, "description"),
		Priority: opsText(form, "priority"), Category: opsText(form, "category")}
	_, err := c.svc.UpdateWorkOrder(r.Context(), u.OrgID, id, in)
	c.afterWorkOrder(w, r, u, id, err)
}

// workOrderAction takes one step of the state machine. The Service
// decides whether the status allows it: a page that has gone stale gets
// the Service's refusal as a 409 page.
func (c *Console) workOrderAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx, org, form := r.Context(), u.OrgID, r.PostForm
	var err error
	switch r.PathValue("action") {
	case "assign":
		var vendor *int64
		if vendor, err = opsID(form, "vendor_id"); err == nil {
			if vendor == nil {
				vendor = new(int64) // none picked: no vendor
			}
			assignee := strings.TrimSpace(form.Get("assigned_to"))
			_, err = c.svc.AssignWorkOrder(ctx, org, id, porter.WorkOrderAssignment{VendorID: vendor, AssignedTo: &assignee})
		}
	case "start":
		_, err = c.svc.StartWorkOrder(ctx, org, id)
	case "hold":
		_, err = c.svc.HoldWorkOrder(ctx, org, id)
	case "resume":
		_, err = c.svc.ResumeWorkOrder(ctx, org, id)
	case "complete":
		in := porter.WorkOrderCompletion{ResolutionNotes: opsText(form, "resolution_notes")}
		if in.Cost, err = opsMoney(form, "cost"); err == nil {
			_, err = c.svc.CompleteWorkOrder(ctx, org, id, in)
		}
	case "verify":
		_, err = c.svc.VerifyWorkOrder(ctx, org, id)
	case "close":
		_, err = c.svc.CloseWorkOrder(ctx, org, id)
	case "cancel":
		_, err = c.svc.CancelWorkOrder(ctx, org, id)
	default:
		c.notFound(w, r, u)
		return
	}
	c.afterWorkOrder(w, r, u, id, err)
}

// afterWorkOrder answers a change to work order id: its page again, as it
// is now, with why the change was refused (400 or 409), or the browser
// sent to the page.
func (c *Console) afterWorkOrder(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, err error) {
	if err != nil {
		if status, msg, ok := refusal(err); ok {
			c.renderWorkOrder(w, r, u, id, status, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/work-orders/"+strconv.FormatInt(id, 10))
}
