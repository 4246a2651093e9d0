package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

// Short-term rentals: iCal. A unit's iCal page shows its export feed URL
// (to paste into Airbnb or Booking.com) and the calendars it imports; the
// iCal sources page lists every unit's, to spot the ones in error. The
// pages call the Service as /v1/units/{id}/ical_export and
// /v1/ical_sources do, so the SSRF guard and the sync are the API's.

var icalLabels = map[string]string{"unit_id": "Unit", "name": "Name", "url": "URL", "currency": "Currency"}

type icalSourcesData struct {
	Items    []*porter.ICalSource
	UnitName map[int64]string
	Units    []pick
	Filter   porter.ICalSourceFilter
	Statuses []string
	Pager    pager
}

func (c *Console) icalSources(w http.ResponseWriter, r *http.Request, u *porter.User) {
	f := porter.ICalSourceFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	err := refQueries(r, map[string]*int64{"unit_id": &f.UnitID})
	if err == nil {
		err = opsOneOf("status", f.Status, porter.ICalStatuses...)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx := r.Context()
	list, err := c.svc.ICalSources(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := icalSourcesData{Items: list.Items, Filter: f, Statuses: porter.ICalStatuses, Pager: newPager(r, f.ListParams, list.Total)}
	if d.Units, d.UnitName, err = c.unitChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "icalsources", view{Title: "iCal calendars", Nav: "ical", User: u, Data: d})
}

type unitICalData struct {
	Unit        *porter.Unit
	Property    *porter.Property
	Export      *porter.ICalExportURL
	ExportError string
	Sources     []*porter.ICalSource
	Form        url.Values // the add form, or the edit form of EditID
	EditID      int64
	Error       string
	Synced      *porter.ICalSyncResult
}

func (c *Console) unitICal(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	d := unitICalData{}
	// After "Sync now": what the sync did, from the redirect's query.
	if q := r.URL.Query(); q.Get("synced") != "" {
		n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
		d.Synced = &porter.ICalSyncResult{Source: &porter.ICalSource{}, Events: n("events"), Created: n("created"), Updated: n("updated"),
			Cancelled: n("cancelled"), Conflicts: n("conflicts"), Unchanged: n("unchanged")}
		d.Synced.Source.ID = int64(n("synced"))
	}
	c.renderUnitICal(w, r, u, id, http.StatusOK, d)
}

func (c *Console) renderUnitICal(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d unitICalData) {
	ctx := r.Context()
	unit, err := c.svc.Unit(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Property, err = c.svc.Property(ctx, u.OrgID, unit.PropertyID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	// The feed's URL is made on first use, as GET /v1/units/{id}/ical_export
	// does; a server without a secret key cannot make one, which the page
	// says rather than failing.
	if d.Export, err = c.svc.ICalExportURL(ctx, u.OrgID, id); err != nil {
		if porter.ErrorCode(err) == porter.ENOTFOUND {
			c.fail(w, r, u, err)
			return
		}
		c.logger.Error("console: ical export", "unit", id, "err", err)
		d.ExportError = "The export feed is unavailable on this server (no secret key is configured)."
	}
	list, err := c.svc.ICalSources(ctx, u.OrgID, porter.ICalSourceFilter{ListParams: pickAll, UnitID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	d.Unit, d.Sources = unit, list.Items
	c.render(w, status, "unitical", view{Title: "iCal · " + unit.Name, Nav: "ical", User: u, Data: d})
}

func (c *Console) rotateICalExport(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderUnitICal(w, r, u, id, http.StatusBadRequest, unitICalData{Error: msg})
		return
	}
	if _, err := c.svc.RotateICalExport(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/units/"+strconv.FormatInt(id, 10)+"/ical")
}

func icalInput(v url.Values) porter.ICalSourceInput {
	return porter.ICalSourceInput{Name: opsText(v, "name"), URL: opsText(v, "url"), Currency: formText(v, "currency")}
}

func (c *Console) createICalSource(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderUnitICal(w, r, u, id, status, unitICalData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	// The unit is the page's: another organization's unit is a 404 before
	// anything is checked or fetched.
	if _, err := c.svc.Unit(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	in := icalInput(r.PostForm)
	in.UnitID = &id
	_, err := c.svc.CreateICalSource(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, icalLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/units/"+strconv.FormatInt(id, 10)+"/ical")
}

// icalSourceAction edits, deletes or syncs a source, then shows its
// unit's iCal page.
func (c *Console) icalSourceAction(action string) func(http.ResponseWriter, *http.Request, *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		ctx := r.Context()
		src, err := c.svc.ICalSource(ctx, u.OrgID, id)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		back := "/units/" + strconv.FormatInt(src.UnitID, 10) + "/ical"
		bad := func(status int, msg string) {
			d := unitICalData{Error: msg}
			if action == "edit" {
				d.Form, d.EditID = r.PostForm, id
			}
			c.renderUnitICal(w, r, u, src.UnitID, status, d)
		}
		if msg, ok := readPostedForm(w, r); !ok {
			bad(http.StatusBadRequest, msg)
			return
		}
		switch action {
		case "edit":
			_, err = c.svc.UpdateICalSource(ctx, u.OrgID, id, icalInput(r.PostForm))
		case "delete":
			err = c.svc.DeleteICalSource(ctx, u.OrgID, id)
		case "sync":
			var res *porter.ICalSyncResult
			if res, err = c.svc.SyncICalSource(ctx, u.OrgID, id); err == nil {
				q := url.Values{}
				for k, n := range map[string]int{"events": res.Events, "created": res.Created, "updated": res.Updated,
					"cancelled": res.Cancelled, "conflicts": res.Conflicts, "unchanged": res.Unchanged} {
					q.Set(k, strconv.Itoa(n))
				}
				q.Set("synced", strconv.FormatInt(id, 10))
				back += "?" + q.Encode()
			}
		}
		if status, msg, ok := strRefusal(err, icalLabels); ok {
			if action == "sync" {
				msg = "Sync of " + src.Name + " failed: " + msg
			}
			bad(status, msg)
			return
		}
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		seeOther(w, r, back)
	}
}
