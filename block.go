package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Block closes a unit's nights to bookings: an owner stay, maintenance.
// StartDate and EndDate are nights, both included.
type Block struct {
	ID         int64     `json:"id"`
	PropertyID int64     `json:"property_id"`
	UnitID     int64     `json:"unit_id"`
	Kind       string    `json:"kind"` // owner_stay | maintenance | other
	StartDate  string    `json:"start_date"`
	EndDate    string    `json:"end_date"`
	Reason     string    `json:"reason"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// BlockKinds lists every kind of block.
var BlockKinds = []string{"owner_stay", "maintenance", "other"}

// BlockFilter narrows a block listing; From and To (included) keep the
// blocks with a night between them.
type BlockFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	Kind       string
	From, To   string
}

// BlockTx stores blocks.
type BlockTx interface {
	InsertBlock(ctx context.Context, b *Block) error
	Block(ctx context.Context, id int64) (*Block, error)
	UpdateBlock(ctx context.Context, b *Block) error
	DeleteBlock(ctx context.Context, id int64) error
	Blocks(ctx context.Context, f BlockFilter) (List[*Block], error)
	// BlocksCovering returns the blocks with a night from from to to
	// (included), of one unit, or of a property's units, or of every unit
	// (0 for both), other than excludeID.
	BlocksCovering(ctx context.Context, propertyID, unitID int64, from, to string, excludeID int64) ([]*Block, error)
}

// BlockInput creates a block; on PATCH nil fields are left alone and the
// unit cannot change.
type BlockInput struct {
	UnitID    *int64  `json:"unit_id"`
	Kind      *string `json:"kind"`
	StartDate *string `json:"start_date"`
	EndDate   *string `json:"end_date"`
	Reason    *string `json:"reason"`
}

func (b *Block) validate() error {
	var v Validation
	v.OneOf("kind", b.Kind, BlockKinds...)
	okStart, okEnd := checkDate(&v, "start_date", b.StartDate), checkDate(&v, "end_date", b.EndDate)
	if okStart && okEnd && b.EndDate < b.StartDate {
		v.Add("end_date", "must not be before start_date")
	}
	b.Reason = strings.TrimSpace(b.Reason)
	if len(b.Reason) > 1000 {
		v.Add("reason", "must be at most 1000 characters")
	}
	return v.Err()
}

// checkBlockFree refuses b when a confirmed or checked-in booking holds
// one of its nights. The caller holds the unit's lock.
func checkBlockFree(ctx context.Context, tx Tx, b *Block) error {
	held, err := holdingBookings(ctx, tx, b.UnitID, b.StartDate, addDays(b.EndDate, 1), 0)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		c := held[0]
		return Errorf(ECONFLICT, "unit %d is booked from %s to %s by booking %d (%s)", b.UnitID, c.CheckIn, c.CheckOut, c.ID, c.Reference)
	}
	return nil
}

// CreateBlock closes a unit's nights. A night held by a confirmed or
// checked-in booking cannot be blocked (409 naming the booking).
func (s *Service) CreateBlock(ctx context.Context, orgID int64, in BlockInput) (*Block, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Block, error) {
		b := &Block{Kind: "other", CreatedAt: now, UpdatedAt: now}
		set(&b.Kind, in.Kind)
		set(&b.StartDate, in.StartDate)
		set(&b.EndDate, in.EndDate)
		set(&b.Reason, in.Reason)
		verr := b.validate()
		if in.UnitID == nil || *in.UnitID == 0 {
			var v Validation
			v.Add("unit_id", "is required")
			return nil, mergeInvalid(verr, v.Err())
		}
		// The lock serialises this check with bookings of the same unit.
		u, err := tx.UnitForUpdate(ctx, *in.UnitID)
		if ErrorCode(err) == ENOTFOUND {
			var v Validation
			v.Add("unit_id", "%d does not exist", *in.UnitID)
			return nil, mergeInvalid(verr, v.Err())
		} else if err != nil {
			return nil, err
		}
		if verr != nil {
			return nil, verr
		}
		b.UnitID, b.PropertyID = u.ID, u.PropertyID
		if err := checkBlockFree(ctx, tx, b); err != nil {
			return nil, err
		}
		if err := tx.InsertBlock(ctx, b); err != nil {
			return nil, fmt.Errorf("create block: %w", err)
		}
		audited(tx, "block", b.ID, nil, b)
		return b, nil
	})
}

// UpdateBlock edits a block's kind, nights or reason.
func (s *Service) UpdateBlock(ctx context.Context, orgID, id int64, in BlockInput) (*Block, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Block, error) {
		b, err := tx.Block(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.UnitID != nil && *in.UnitID != b.UnitID {
			return nil, &Error{Code: EINVALID, Message: "unit_id cannot be changed: delete the block and create another",
				Fields: []FieldError{{Field: "unit_id", Message: "cannot be changed"}}}
		}
		before := *b
		set(&b.Kind, in.Kind)
		set(&b.StartDate, in.StartDate)
		set(&b.EndDate, in.EndDate)
		set(&b.Reason, in.Reason)
		if err := b.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, b) {
			return b, nil
		}
		if _, err := tx.UnitForUpdate(ctx, b.UnitID); err != nil {
			return nil, err
		}
		if err := checkBlockFree(ctx, tx, b); err != nil {
			return nil, err
		}
		b.UpdatedAt = now
		if err := tx.UpdateBlock(ctx, b); err != nil {
			return nil, fmt.Errorf("update block: %w", err)
		}
		audited(tx, "block", b.ID, &before, b)
		return b, nil
	})
}

// DeleteBlock reopens a block's nights.
func (s *Service) DeleteBlock(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, _ time.Time) (struct{}, error) {
		b, err := tx.Block(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		if err := tx.DeleteBlock(ctx, id); err != nil {
			return struct{}{}, err
		}
		audited(tx, "block", id, b, nil)
		return struct{}{}, nil
	})
	return err
}

// Block returns one block.
func (s *Service) Block(ctx context.Context, orgID, id int64) (*Block, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Block, error) { return tx.Block(ctx, id) })
}

// Blocks lists blocks, newest first.
func (s *Service) Blocks(ctx context.Context, orgID int64, f BlockFilter) (List[*Block], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Block], error) { return tx.Blocks(ctx, f) })
}
