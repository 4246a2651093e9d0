package porter

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The alarm target (issue 11, BMS / IoT): a fault alarm from a building
// management system or a sensor opens an emergency work order on the
// asset it concerns, in the asset's property and unit, through the same
// path as every other work order (so work_order.created carries seed
// 002's work_order object). Alarms are deduplicated per asset and kind:
// while the work order an alarm opened is still open, the same alarm
// again opens nothing and is counted on it instead. Readings (occupancy,
// temperature…) are not alarms: they go to the meter_reading target.

type alarmTarget struct{}

func init() { registerIntegrationTarget("alarm", alarmTarget{}) }

// Alarm kinds and states.
const (
	AlarmHVAC     = "hvac"
	AlarmFire     = "fire"
	AlarmElevator = "elevator"
	AlarmLeak     = "leak"
)

// AlarmKinds are the faults an alarm may report; a source's own names
// are translated with value_maps.alarm_kind.
var AlarmKinds = []string{AlarmHVAC, AlarmFire, AlarmElevator, AlarmLeak}

// alarmActiveStates and alarmClearStates are the states Porter reads
// without a value_maps.alarm_state entry; an absent state is active.
var (
	alarmActiveStates = []string{"active", "alarm", "fault", "triggered", "on", "true", "1"}
	alarmClearStates  = []string{"cleared", "normal", "ok", "off", "resolved", "false", "0"}
)

// AlarmWorkOrder ties a work order to the alarm that opened it: the
// deduplication key (asset, kind) and how many alarms it has absorbed.
type AlarmWorkOrder struct {
	WorkOrderID   int64
	AssetID       int64
	Kind          string
	IntegrationID int64
	Alarms        int // the opening alarm plus every repeat while it was open
	FirstAlarmAt  time.Time
	LastAlarmAt   time.Time
}

// AlarmTx stores which work orders alarms opened.
type AlarmTx interface {
	// OpenAlarmWorkOrder finds the newest work order an alarm of kind on
	// the asset opened that is not yet completed, verified, closed or
	// cancelled; ENOTFOUND when there is none.
	OpenAlarmWorkOrder(ctx context.Context, assetID int64, kind string) (*AlarmWorkOrder, error)
	InsertAlarmWorkOrder(ctx context.Context, a *AlarmWorkOrder) error
	// CountAlarm adds a repeat alarm to the work order's count.
	CountAlarm(ctx context.Context, workOrderID int64, at time.Time) error
}

func checkAlarmState(v string) string {
	if slices.Contains(alarmActiveStates, strings.ToLower(v)) || slices.Contains(alarmClearStates, strings.ToLower(v)) {
		return ""
	}
	return fmt.Sprintf("'%s' is neither active (%s) nor cleared (%s): translate it with value_maps.alarm_state",
		v, strings.Join(alarmActiveStates[:4], ", "), strings.Join(alarmClearStates[:4], ", "))
}

func (alarmTarget) fields() []integrationField {
	return []integrationField{
		{Name: "kind", Kind: "alarm_kind"},
		{Name: "state", Kind: "alarm_state", check: checkAlarmState},
		{Name: "asset", Kind: "asset"}, // an asset's source id, or translated to an asset id by value_maps.asset
		{Name: "asset_id"},
		{Name: "title"},
		{Name: "description"},
		{Name: "priority", Kind: "priority", check: checkPriority},
		{Name: "category", Kind: "category"},
		{Name: "assigned_to"},
	}
}

func (alarmTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var none IntegrationRef
	kind := strings.ToLower(r.Values["kind"])
	switch {
	case kind == "":
		return none, Errorf(EUNPROCESS, "kind is missing: the record has no %s and the mapping sets no default (one of %s)",
			sourcePath(r, "kind"), strings.Join(AlarmKinds, ", "))
	case slices.Contains(AlarmKinds, kind):
	case r.Mapped["kind"]:
		return none, Errorf(EUNPROCESS, "alarm kind '%s' (from value_maps.alarm_kind) is not one of %s", r.Values["kind"], strings.Join(AlarmKinds, ", "))
	default:
		return none, gapError("alarm_kind", r.Values["kind"])
	}
	cleared := slices.Contains(alarmClearStates, strings.ToLower(r.Values["state"]))
	asset, err := alarmAsset(ctx, tx, r)
	if err != nil {
		return none, err
	}
	if r.Link != nil && r.Link.TargetType == "work_order" {
		return IntegrationRef{"work_order", r.Link.TargetID}, nil // the same source record again: already counted
	}
	open, err := tx.OpenAlarmWorkOrder(ctx, asset.ID, kind)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return none, err
	}
	if cleared {
		// A cleared alarm opens nothing; it points at the work order still
		// open for the fault, if any, which people close when it is fixed.
		if open != nil {
			return IntegrationRef{"work_order", open.WorkOrderID}, nil
		}
		return none, nil
	}
	if open != nil {
		if err := tx.CountAlarm(ctx, open.WorkOrderID, now); err != nil {
			return none, fmt.Errorf("count alarm: %w", err)
		}
		return IntegrationRef{"work_order", open.WorkOrderID}, nil
	}
	if asset.Status == AssetDisposed {
		return none, Errorf(EUNPROCESS, "asset %d (%s) is disposed: an alarm on it opens no work order", asset.ID, asset.Name)
	}
	w, err := openAlarmWorkOrder(ctx, tx, now, r, asset, kind)
	if err != nil {
		return none, err
	}
	a := &AlarmWorkOrder{WorkOrderID: w.ID, AssetID: asset.ID, Kind: kind, IntegrationID: r.Integration.ID, Alarms: 1,
		FirstAlarmAt: now, LastAlarmAt: now}
	if err := tx.InsertAlarmWorkOrder(ctx, a); err != nil {
		return none, fmt.Errorf("insert alarm work order: %w", err)
	}
	return IntegrationRef{"work_order", w.ID}, nil
}

// alarmAsset finds the asset an alarm concerns, locked so that two
// alarms on it at once cannot both open a work order: asset_id (a Porter
// id), else asset translated to an asset id by value_maps.asset, else
// asset as the source id of an asset this integration imported.
func alarmAsset(ctx context.Context, tx Tx, r *integrationRecord) (*Asset, error) {
	id, ok, err := r.id("asset_id")
	if err != nil {
		return nil, err
	}
	if !ok {
		src := r.Values["asset"]
		switch {
		case src == "":
			return nil, Errorf(EUNPROCESS, "no asset: the record names neither asset (a sensor, topic or asset source id, see value_maps.asset) nor asset_id")
		case r.Mapped["asset"]:
			n, err := strconv.ParseInt(src, 10, 64)
			if err != nil || n <= 0 {
				return nil, Errorf(EUNPROCESS, "asset '%s' (from value_maps.asset) is not a Porter asset id", src)
			}
			id = n
		default:
			l, err := tx.IntegrationLink(ctx, r.Integration.ID, "asset", src)
			if ErrorCode(err) == ENOTFOUND || (err == nil && l.TargetType != "asset") {
				return nil, Errorf(EUNPROCESS, "asset '%s' has no mapping (add it to value_maps.asset as an asset id, or import the asset through this integration)", src)
			} else if err != nil {
				return nil, err
			}
			id = l.TargetID
		}
	}
	a, err := tx.AssetForUpdate(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EUNPROCESS, "asset %d is not an asset of this organization", id)
	}
	return a, err
}

// openAlarmWorkOrder opens the work order for a new alarm as a person
// would: validated, its SLA due time set, work_order.created (and
// escalated, for an emergency) recorded, then assigned when the mapping
// names a default assignee.
func openAlarmWorkOrder(ctx context.Context, tx Tx, now time.Time, r *integrationRecord, a *Asset, kind string) (*WorkOrder, error) {
	title := r.Values["title"]
	if title == "" {
		title = fmt.Sprintf("%s alarm: %s", alarmKindName(kind), a.Name)
	}
	desc := r.Values["description"]
	if desc == "" {
		desc = fmt.Sprintf("%s alarm on asset %d (%s) from integration %s, source record %s.", alarmKindName(kind), a.ID, a.Name,
			r.Integration.Name, r.SourceID)
	}
	category := r.Values["category"]
	if category == "" {
		category = kind
	}
	w := &WorkOrder{PropertyID: a.PropertyID, UnitID: a.UnitID, Title: title, Description: desc, Priority: PriorityEmergency,
		Category: category, ReportedBy: "integration: " + r.Integration.Name, Status: WorkOrderOpen, CreatedAt: now, UpdatedAt: now}
	set(&w.Priority, ptrIf(r.Values["priority"]))
	if err := w.validate(ctx, tx, nil); err != nil {
		return nil, mappingInvalid(err)
	}
	w.DueAt = now.Add(SLAWindows[w.Priority])
	if err := tx.InsertWorkOrder(ctx, w); err != nil {
		return nil, fmt.Errorf("create work order: %w", err)
	}
	types := []string{"work_order.created"}
	if w.Priority == PriorityEmergency {
		types = append(types, "work_order.escalated")
	}
	if err := recordWorkOrder(ctx, tx, now, w, nil, types...); err != nil {
		return nil, err
	}
	if who := r.Values["assigned_to"]; who != "" {
		before := *w
		w.AssignedTo, w.Status = who, WorkOrderAssigned
		if err := tx.UpdateWorkOrder(ctx, w); err != nil {
			return nil, fmt.Errorf("assign work order: %w", err)
		}
		if err := recordWorkOrder(ctx, tx, now, w, &before, "work_order.assigned"); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func alarmKindName(kind string) string {
	switch kind {
	case AlarmHVAC:
		return "HVAC"
	case AlarmFire:
		return "Fire"
	case AlarmElevator:
		return "Elevator"
	case AlarmLeak:
		return "Leak"
	}
	return kind
}
