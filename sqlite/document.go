package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertDocument(ctx context.Context, d *porter.Document) error {
	id, err := t.q.InsertDocument(ctx, db.InsertDocumentParams{
		OrgID: t.orgID, Title: d.Title, Scope: d.Scope, ScopeID: d.ScopeID, FileName: d.FileName,
		ContentType: d.ContentType, Size: d.Size, Sha256: d.SHA256, StorageKey: d.StorageKey, CreatedAt: ts(d.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	d.ID = id
	return nil
}

func (t *tx) Document(ctx context.Context, id int64) (*porter.Document, error) {
	r, err := t.q.GetDocument(ctx, db.GetDocumentParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "document", id)
	}
	return document(r), nil
}

func (t *tx) Documents(ctx context.Context, f porter.DocumentFilter) (porter.List[*porter.Document], error) {
	rows, err := t.q.ListDocuments(ctx, db.ListDocumentsParams{
		OrgID: t.orgID, Scope: f.Scope, ScopeID: f.ScopeID, CreatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Document]{}, fmt.Errorf("list documents: %w", err)
	}
	var out porter.List[*porter.Document]
	for _, r := range rows {
		out.Items = append(out.Items, document(r.Document))
		out.Total = int(r.Total)
	}
	return out, nil
}

func document(r db.Document) *porter.Document {
	return &porter.Document{
		ID: r.ID, Title: r.Title, Scope: r.Scope, ScopeID: r.ScopeID, FileName: r.FileName, ContentType: r.ContentType,
		Size: r.Size, SHA256: r.Sha256, StorageKey: r.StorageKey, CreatedAt: pts(r.CreatedAt),
	}
}
