package porter

import (
	"context"
	"strconv"
	"time"
)

// An integration target is a kind of Porter record integration records
// can become. Each lives in its own file (integrationworkorder.go,
// integrationproperty.go…) and registers itself in init, so that a new
// target — assets, warranties, meter readings — is one file.
type integrationTarget interface {
	// fields are the Porter fields the mapping may fill.
	fields() []integrationField
	// apply writes the record in tx: a new one, or the one r.Link points
	// to when the source record was applied before. It returns what it
	// wrote; an *Error with EUNPROCESS is a mapping gap logged as error.
	apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error)
}

// integrationField is one Porter field a target takes.
type integrationField struct {
	Name string
	// Kind names the value map translating source values (building,
	// priority, asset_category…); "" when values pass as they are.
	Kind string
	// MustMap: a value its value map does not list is an error naming
	// the gap, not passed through.
	MustMap bool
	// check validates a final value; it returns what is wrong, quoting
	// the value, or "".
	check func(v string) string
}

// IntegrationRef names the Porter record a source record became.
type IntegrationRef struct {
	Type string `json:"type"`
	ID   int64  `json:"id"`
}

// integrationRecord is one source record being applied.
type integrationRecord struct {
	Integration *Integration
	Entity      string
	SourceID    string
	Mapping     *IntegrationEntityMapping
	Values      map[string]string // resolved Porter field values
	Mapped      map[string]bool   // the fields a value map translated
	Link        *IntegrationLink  // nil the first time
}

var integrationTargets = map[string]integrationTarget{}

// plannedIntegrationTargets are the targets issue 11 names whose appliers
// are added with their records: a mapping naming one is told it is not
// available yet. Every one has landed (the certificate target last).
var plannedIntegrationTargets []string

func registerIntegrationTarget(name string, t integrationTarget) {
	if _, dup := integrationTargets[name]; dup {
		panic("integration target registered twice: " + name)
	}
	integrationTargets[name] = t
}

// IntegrationTargets lists the targets this build can write, for docs.
func IntegrationTargets() []string { return keysOf(integrationTargets) }

// id reads a resolved value as a Porter id; ok is false when absent.
func (r *integrationRecord) id(field string) (int64, bool, error) {
	v, ok := r.Values[field]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, true, Errorf(EUNPROCESS, "%s '%s' is not a Porter id", field, v)
	}
	return n, true, nil
}

// propertyID finds the property a record lands in: property_id (a Porter
// id), else building through value_maps.building, else a building this
// integration imported (entity building with that source id).
func (r *integrationRecord) propertyID(ctx context.Context, tx Tx) (int64, error) {
	if id, ok, err := r.id("property_id"); ok || err != nil {
		return id, err
	}
	b := r.Values["building"]
	if b == "" {
		return 0, Errorf(EUNPROCESS, "no property: the record names no building and the mapping sets no defaults.property_id")
	}
	if n, err := strconv.ParseInt(b, 10, 64); err == nil && r.Mapped["building"] {
		return n, nil
	}
	l, err := tx.IntegrationLink(ctx, r.Integration.ID, "building", b)
	if ErrorCode(err) == ENOTFOUND {
		return 0, gapError("building", b)
	} else if err != nil {
		return 0, err
	}
	if l.TargetType != "property" {
		return 0, gapError("building", b)
	}
	return l.TargetID, nil
}
