package http

import (
	"net/http"
	"strings"

	"porter"
)

type (
	workOrderView       = porter.WorkOrder
	workOrderInput      = porter.WorkOrderInput
	workOrderPatch      = porter.WorkOrderPatch
	workOrderAssignment = porter.WorkOrderAssignment
	workOrderCompletion = porter.WorkOrderCompletion
)

// For the list route's query parameter enums.
var (
	workOrderStatuses   = porter.WorkOrderStatuses
	workOrderPriorities = porter.WorkOrderPriorities
)

// seedWorkOrderRequest is POST /api/action_create_work_order.php's body.
// Ids may arrive as numeric strings, and an empty string stands for a
// field left out, as no-code tools send unmapped fields.
type seedWorkOrderRequest struct {
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	PropertyID  *flexInt `json:"property_id"`
	UnitID      *flexInt `json:"unit_id"`
	Priority    *string  `json:"priority"`
	Category    *string  `json:"category"`
}

func (s *Server) handleSeedCreateWorkOrder() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedWorkOrderRequest](s, w, r)
		if err != nil {
			return err
		}
		wo, err := s.svc.CreateWorkOrder(answering(r, func(wo *porter.WorkOrder) any { return map[string]any{"work_order": wo} }), orgID(r), porter.WorkOrderInput{
			Title: in.Title, Description: in.Description, PropertyID: in.PropertyID.ptr(), UnitID: in.UnitID.ptr(),
			Priority: blankAsNil(in.Priority), Category: in.Category,
		})
		if err != nil {
			return err
		}
		return encode(w, r, map[string]any{"work_order": wo})
	}
}

// blankAsNil treats an empty string as a field left out, so that the
// default applies.
func blankAsNil(s *string) *string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	return s
}

func (s *Server) handleListWorkOrders() handlerFunc {
	return listOf(s, func(q *query) porter.WorkOrderFilter {
		return porter.WorkOrderFilter{ListParams: q.list(), Status: q.str("status", porter.WorkOrderStatuses...),
			Priority: q.str("priority", porter.WorkOrderPriorities...), PropertyID: q.id("property_id"),
			UnitID: q.id("unit_id"), VendorID: q.id("vendor_id"), Search: q.str("q"), Overdue: q.str("overdue", "true", "false") == "true"}
	}, s.svc.WorkOrders)
}
