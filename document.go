package porter

import (
	"context"
	"fmt"
	"time"
)

// Document is a file attached to a record: a lease scan, an inspection
// photo, an invoice. The bytes live outside the database (the HTTP layer
// keeps them on disk under StorageKey); the row holds what is known of them.
type Document struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Scope       string    `json:"scope"` // property | unit | tenant | lease | work_order
	ScopeID     int64     `json:"scope_id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"` // sniffed from the bytes, not taken from the client
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"` // hex
	CreatedAt   time.Time `json:"created_at"`

	StorageKey string `json:"-"` // the file's random name in the organization's directory
}

// DocumentScopes are the records a document can belong to.
var DocumentScopes = []string{"property", "unit", "tenant", "lease", "work_order"}

// DocumentFilter narrows a document listing. UpdatedSince applies to
// created_at: documents do not change.
type DocumentFilter struct {
	ListParams
	Scope   string
	ScopeID int64
}

// DocumentTx stores document metadata.
type DocumentTx interface {
	InsertDocument(ctx context.Context, d *Document) error
	Document(ctx context.Context, id int64) (*Document, error)
	Documents(ctx context.Context, f DocumentFilter) (List[*Document], error)
}

func (d *Document) validate(ctx context.Context, tx Tx) error {
	var v Validation
	v.Required("title", d.Title)
	v.OneOf("scope", d.Scope, DocumentScopes...)
	if d.ScopeID <= 0 {
		v.Add("scope_id", "is required: the id of the %s the document belongs to", scopeNoun(d.Scope))
	}
	if d.Size < 0 || d.StorageKey == "" || len(d.SHA256) != 64 {
		return fmt.Errorf("document: file facts missing")
	}
	if err := v.Err(); err != nil {
		return err
	}
	switch d.Scope {
	case "property":
		return refExists(ctx, "scope_id", d.ScopeID, tx.Property)
	case "unit":
		return refExists(ctx, "scope_id", d.ScopeID, tx.Unit)
	case "tenant":
		return refExists(ctx, "scope_id", d.ScopeID, tx.Tenant)
	case "lease":
		return refExists(ctx, "scope_id", d.ScopeID, tx.Lease)
	case "work_order":
		return refExists(ctx, "scope_id", d.ScopeID, tx.WorkOrder)
	}
	return nil
}

func scopeNoun(scope string) string {
	if scope == "" {
		return "record"
	}
	return scope
}

// CreateDocument records an uploaded file. d carries the file's facts
// (name, size, type, hash, storage key); place moves the file to its final
// name and runs last inside the transaction, so that a failure to place it
// writes nothing, and a document row never points at a missing file.
func (s *Service) CreateDocument(ctx context.Context, orgID int64, d Document, place func(*Document) error) (*Document, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Document, error) {
		doc := d
		doc.CreatedAt = now
		if doc.Title == "" {
			doc.Title = doc.FileName
		}
		if err := doc.validate(ctx, tx); err != nil {
			return nil, err
		}
		if err := tx.InsertDocument(ctx, &doc); err != nil {
			return nil, fmt.Errorf("create document: %w", err)
		}
		if err := record(ctx, tx, now, "document.uploaded", "document", doc.ID, &doc, nil); err != nil {
			return nil, err
		}
		if err := place(&doc); err != nil {
			return nil, fmt.Errorf("create document: %w", err)
		}
		return &doc, nil
	})
}

// Document returns one document's metadata.
func (s *Service) Document(ctx context.Context, orgID, id int64) (*Document, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Document, error) { return tx.Document(ctx, id) })
}

// Documents lists documents, newest first.
func (s *Service) Documents(ctx context.Context, orgID int64, f DocumentFilter) (List[*Document], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Document], error) { return tx.Documents(ctx, f) })
}
