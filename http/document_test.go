package http_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	porterhttp "porter/http"
)

// withUploads points a at a server that keeps files in a directory the
// test can inspect, with a 1 KiB upload limit.
func (a *api) withUploads(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	srv := httptest.NewServer(validated(t, porterhttp.NewServer(a.svc, porterhttp.Config{DefaultRateLimit: 1000, UploadDir: dir, MaxUploadBytes: 1024}, nil)))
	t.Cleanup(srv.Close)
	a.srv = srv
	return dir
}

// form is a multipart body: fields, then a file part when name is not "".
func form(t *testing.T, fields map[string]string, fileField, fileName string, content []byte) ([]byte, http.Header) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return b.Bytes(), http.Header{"Content-Type": {w.FormDataContentType()}}
}

// files lists what is kept on disk, temporary files included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

var png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)

func TestDocumentUploadAndDownload(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		dir := a.withUploads(t)
		pid, _ := a.propertyWithUnit(a.key, "Maple Court")

		body, h := form(t, map[string]string{"scope": "property", "scope_id": itoa(int(pid))}, "file", "floor plan.png", png)
		d := a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 201).obj("data")
		sum := sha256.Sum256(png)
		if d["title"] != "floor plan.png" || d["file_name"] != "floor plan.png" || d["content_type"] != "image/png" ||
			d["size"] != float64(len(png)) || d["sha256"] != hex.EncodeToString(sum[:]) || d["scope"] != "property" || d["scope_id"] != pid {
			t.Fatalf("document = %v", d)
		}
		if _, ok := d["storage_key"]; ok {
			t.Fatal("storage key exposed")
		}
		did := id(d)
		kept := files(t, dir)
		if len(kept) != 1 || filepath.Dir(kept[0]) != filepath.Join(dir, itoa(int(a.org))) || strings.HasPrefix(filepath.Base(kept[0]), ".") {
			t.Fatalf("files = %v", kept)
		}
		ev := a.eventsOf("document.uploaded")
		if len(ev) != 1 || !strings.Contains(string(ev[0].Data), `"scope":"property"`) || !strings.Contains(string(ev[0].Data), `"title":"floor plan.png"`) {
			t.Fatalf("events = %v", ev)
		}

		// The client's Content-Type is not trusted: text sent as image/png is text.
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("title", "Notes")
		w.WriteField("scope", "tenant")
		tn := a.do("POST", "/v1/tenants", map[string]any{"email": "t@example.com", "first_name": "T", "last_name": "T"}).must(t, 201).obj("data")
		w.WriteField("scope_id", id(tn))
		part, _ := w.CreatePart(map[string][]string{"Content-Disposition": {`form-data; name="file"; filename="..\\..\\evil.txt"`}, "Content-Type": {"image/png"}})
		part.Write([]byte("just some text\n"))
		w.Close()
		d2 := a.doKey(a.key, "POST", "/v1/documents", b.Bytes(), http.Header{"Content-Type": {w.FormDataContentType()}}).must(t, 201).obj("data")
		if d2["content_type"] != "text/plain; charset=utf-8" || d2["title"] != "Notes" || d2["file_name"] != "evil.txt" {
			t.Fatalf("document = %v", d2)
		}

		// Download.
		res := a.doKey(a.key, "GET", "/v1/documents/"+did+"/download", nil, nil).must(t, 200)
		if !bytes.Equal(res.Body, png) || res.Header.Get("Content-Type") != "image/png" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="floor plan.png"` || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %v %q", res.Header, res.Body)
		}

		// Reads and filters.
		a.do("GET", "/v1/documents/"+did, nil).must(t, 200)
		for q, want := range map[string]float64{"": 2, "scope=property": 1, "scope=tenant&scope_id=" + id(tn): 1, "scope_id=99999": 0} {
			if l := a.do("GET", "/v1/documents?"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("%s: %s", q, l.Body)
			}
		}
		a.do("GET", "/v1/documents?scope=planet", nil).must(t, 400)

		// Another organization: 404.
		for _, path := range []string{"/v1/documents/" + did, "/v1/documents/" + did + "/download"} {
			a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		}
		a.do("GET", "/v1/documents/99999/download", nil).must(t, 404)
		if l := a.doKey(a.otherKey, "GET", "/v1/documents", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org sees documents: %s", l.Body)
		}
	})
}

func TestDocumentBadUploads(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		dir := a.withUploads(t)
		pid, uid := a.propertyWithUnit(a.key, "Maple Court")
		otherP, _ := a.propertyWithUnit(a.otherKey, "Theirs")
		before := a.eventCount()
		ok := map[string]string{"scope": "property", "scope_id": itoa(int(pid))}

		// Too large: 413, and nothing kept.
		body, h := form(t, ok, "file", "big.bin", bytes.Repeat([]byte("x"), 1025))
		r := a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 413)
		if !strings.Contains(r.JSON["detail"].(string), "larger than the upload limit of 1024 bytes") {
			t.Fatalf("413: %s", r.Body)
		}
		// Far too large: the body limit answers before the form is read.
		body, h = form(t, ok, "file", "huge.bin", bytes.Repeat([]byte("x"), 3<<20))
		a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 413)
		// Exactly the limit is fine.
		body, h = form(t, ok, "file", "edge.bin", bytes.Repeat([]byte("x"), 1024))
		a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 201)
		before++

		cases := []struct {
			name   string
			fields map[string]string
			file   []byte
			want   string
			status int
		}{
			{"no file", ok, nil, "file is required", 400},
			{"empty file", ok, []byte{}, "file is empty", 400},
			{"no scope", map[string]string{"scope_id": "1"}, png, "scope must be one of", 400},
			{"bad scope", map[string]string{"scope": "planet", "scope_id": "1"}, png, "scope must be one of", 400},
			{"no scope_id", map[string]string{"scope": "unit"}, png, "scope_id is required", 400},
			{"bad scope_id", map[string]string{"scope": "unit", "scope_id": "x"}, png, "scope_id must be a positive integer", 400},
			{"missing unit", map[string]string{"scope": "unit", "scope_id": "99999"}, png, "scope_id 99999 does not exist", 400},
			{"unit as property", map[string]string{"scope": "tenant", "scope_id": itoa(int(uid))}, png, "does not exist", 400},
			{"foreign property", map[string]string{"scope": "property", "scope_id": itoa(int(otherP))}, png, "does not exist", 400},
			{"unknown field", map[string]string{"scope": "property", "scope_id": itoa(int(pid)), "owner": "me"}, png, "owner is not a known field", 400},
		}
		for _, c := range cases {
			var body []byte
			var h http.Header
			if c.file == nil {
				body, h = form(t, c.fields, "", "", nil)
			} else {
				body, h = form(t, c.fields, "file", "f.png", c.file)
			}
			r := a.doKey(a.key, "POST", "/v1/documents", body, h)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
				t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			}
		}
		// Not multipart: 415 naming the problem; a broken form: 400.
		r = a.do("POST", "/v1/documents", map[string]any{"file": "aGVsbG8="}).must(t, 415)
		if !strings.Contains(r.JSON["detail"].(string), "multipart/form-data") {
			t.Fatalf("415: %s", r.Body)
		}
		a.doKey(a.key, "POST", "/v1/documents", "x", http.Header{"Content-Type": {"multipart/form-data"}}).must(t, 400)
		a.doKey(a.key, "POST", "/v1/documents", "--b\r\nbroken", http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}).must(t, 400)
		// Scope: a read-only key cannot upload.
		body, h = form(t, ok, "file", "f.png", png)
		a.doKey(a.scopedKey("documents:read"), "POST", "/v1/documents", body, h).must(t, 403)

		if n := a.eventCount(); n != before {
			t.Fatalf("bad uploads wrote %d events", n-before)
		}
		if l := a.do("GET", "/v1/documents", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("bad uploads stored rows: %s", l.Body)
		}
		if kept := files(t, dir); len(kept) != 1 {
			t.Fatalf("bad uploads left files: %v", kept)
		}
	})
}
