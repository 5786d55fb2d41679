package client_test

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// API.md is the project's reference of the Vision One API, and code comments and docs cite it by
// heading in one form: the file name, a comma and the heading in double quotes, as in
// (API.md, "API keys: create"). These tests keep those citations true, and keep out citations of
// the numbered sections and decisions of the notes the project began from, which are not in the
// repository.

var (
	// apiNotesCitation is one citation. The heading may begin on the next comment line, and be
	// wrapped onto the one after.
	apiNotesCitation = regexp.MustCompile(`API\.md,[ \t]*(?:\n[ \t]*(?://)?[ \t]*)?"((?:[^"\n]|\n[ \t]*(?://)?[ \t]*)+)"`)
	// apiNotesChained is a second heading written without a prefix of its own, which the check
	// above would not see.
	apiNotesChained = regexp.MustCompile(`API\.md, "[^"]+"(?:,| and| or) +"`)
	wrappedLine     = regexp.MustCompile(`[ \t]*\n[ \t]*(?://)?[ \t]*`)
	// apiNotesOutside are references to the notes outside the repository, and to the folder beside
	// the clone that holds them.
	apiNotesOutside = []*regexp.Regexp{
		regexp.MustCompile(regexp.QuoteMeta("visionone-api" + ".md")),
		regexp.MustCompile(regexp.QuoteMeta(".."+"/shared") + `\b`),
		regexp.MustCompile(`(?i)\bcontract(?:'s)? (?:section |decision |table |rule )?\d`),
		regexp.MustCompile(`(?i)\bdecisions? \d`),
	}
	// trackerReference is a numbered issue of the project's own tracker, which those who read what
	// ships cannot open: the text should say what it means instead.
	trackerReference = regexp.MustCompile(`(?i)\bissues? #?\d+\b`)
	markdownHeading  = regexp.MustCompile(`^#{1,6} +(.+?) *$`)
	markdownAnchor   = regexp.MustCompile(`\]\(#([^)]+)\)`)
)

// TestAPINotesReferences walks every text file the repository ships (shippedText) and fails, with
// file:line, on a citation of an API.md heading that does not exist, on any reference to the notes
// outside the repository, and on a numbered issue of the project's tracker. In API.md itself, every
// in-page link must lead to a heading.
func TestAPINotesReferences(t *testing.T) {
	t.Parallel()
	notes, err := os.ReadFile("API.md")
	if err != nil {
		t.Fatal(err)
	}
	headings := apiNotesHeadings(notes)
	if len(headings) == 0 {
		t.Fatal("API.md has no headings")
	}
	anchors := map[string]bool{}
	for h := range headings {
		anchors[headingAnchor(h)] = true
	}
	for i, line := range strings.Split(string(notes), "\n") {
		for _, m := range markdownAnchor.FindAllStringSubmatch(line, -1) {
			if !anchors[m[1]] {
				t.Errorf("internal/client/API.md:%d: the link #%s leads to no heading", i+1, m[1])
			}
		}
	}

	root := moduleRoot(t)
	cited := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // written and removed by a test running beside this one
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".build", ".terraform", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !shippedText(path) {
			return nil
		}
		text, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		n, problems := checkAPINotesCitations(string(text), headings)
		cited += n
		for _, p := range problems {
			t.Errorf("%s:%d: %s", filepath.ToSlash(rel), p.line, p.msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited == 0 {
		t.Error("no citation of API.md found in the repository: is the pattern still the one the comments use?")
	}
}

// shippedText reports whether path is one of the text files the repository ships: code, docs,
// templates, examples, configuration, and the scripts (CI's .ci/run among them).
func shippedText(path string) bool {
	switch filepath.Ext(path) {
	case ".go", ".md", ".tmpl", ".sh", ".tf", ".hcl", ".yml", ".yaml", ".json", ".mod":
		return true
	}
	switch filepath.Base(path) {
	case "GNUmakefile", ".gitignore":
		return true
	}
	// A script without an extension, such as .ci/run.
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	start := make([]byte, 2)
	n, _ := io.ReadFull(f, start)
	return string(start[:n]) == "#!"
}

// TestCheckAPINotesCitations shows what the walk above recognises, on text of its own.
func TestCheckAPINotesCitations(t *testing.T) {
	t.Parallel()
	headings := map[string]bool{"API keys: create": true, "Decision: updates of invited accounts and SAML groups": true}
	for _, tc := range []struct {
		name  string
		text  string
		cited int
		want  []string // "line: message fragment"
	}{
		{"known heading", "// Create one key (API.md, \"API keys: create\").", 1, nil},
		{"heading wrapped onto the next comment line", "x := 1\n\t// Invited accounts wait (API.md, \"Decision: updates of invited\n\t// accounts and SAML groups\").", 1, nil},
		{"unknown heading", "a\nb (API.md, \"API keys: rotate\")", 1, []string{`2: "API keys: rotate"`}},
		{"heading on the next comment line", "// Create one key (API.md,\n// \"API keys: create\").", 1, nil},
		{"unknown heading on the next comment line", "// Rotate (API.md,\n\t// \"API keys: rotate\").", 1, []string{`1: "API keys: rotate"`}},
		{"second heading without its prefix", "(API.md, \"API keys: create\" and \"API keys: get\")", 1,
			[]string{`1: before each heading`}},
		{"numbered section", "// The limit (contract " + "4.1).", 0, []string{`1: outside the repository`}},
		{"numbered decision", "\n\n// Refused (decision" + " 10).", 0, []string{`3: outside the repository`}},
		{"numbered decision of the notes, once", "// Role types (contract " + "decision " + "8).", 0, []string{`1: outside the repository`}},
		{"the file outside", "// as described in shared/visionone-api" + ".md", 0, []string{`1: outside the repository`}},
		{"the folder beside the clone", "# Runs from a clean clone\nif [ -d .." + "/shared ]; then", 0, []string{`2: outside the repository`}},
		{"an issue of the tracker", "// Batches keys (issue" + " 17).\n# See issues " + "#4 and 5", 0,
			[]string{`1: issue tracker`, `2: issue tracker`}},
		{"a folder of the repository named alike", "// see ../sharedcache and internal/shared/", 0, nil},
		{"prose that only looks alike", "// The decision is the API's; see the contract of Validate.", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cited, problems := checkAPINotesCitations(tc.text, headings)
			if cited != tc.cited {
				t.Errorf("cited = %d, want %d", cited, tc.cited)
			}
			var got []string
			for _, p := range problems {
				got = append(got, fmt.Sprintf("%d: %s", p.line, p.msg))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems = %q, want %d matching %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				line, fragment, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(got[i], line+": ") || !strings.Contains(got[i], fragment) {
					t.Errorf("problem %d = %q, want line %s mentioning %q", i, got[i], line, fragment)
				}
			}
		})
	}
}

type apiNotesProblem struct {
	line int
	msg  string
}

// checkAPINotesCitations returns how many citations of API.md text holds, and the problems found:
// citations of headings not in headings, chained headings, references to the notes outside the
// repository, and numbered issues of the project's tracker.
func checkAPINotesCitations(text string, headings map[string]bool) (int, []apiNotesProblem) {
	var problems []apiNotesProblem
	lineOf := func(offset int) int { return strings.Count(text[:offset], "\n") + 1 }
	matches := apiNotesCitation.FindAllStringSubmatchIndex(text, -1)
	for _, m := range matches {
		heading := wrappedLine.ReplaceAllString(text[m[2]:m[3]], " ")
		if !headings[heading] {
			problems = append(problems, apiNotesProblem{lineOf(m[0]), fmt.Sprintf("API.md has no heading %q", heading)})
		}
	}
	for _, m := range apiNotesChained.FindAllStringIndex(text, -1) {
		problems = append(problems, apiNotesProblem{lineOf(m[0]),
			"a heading cited without its own prefix: write API.md, before each heading"})
	}
	var outside [][]int
	for _, re := range apiNotesOutside {
		outside = append(outside, re.FindAllStringIndex(text, -1)...)
	}
	slices.SortFunc(outside, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	end := 0
	for _, m := range outside {
		if m[0] < end {
			continue // a numbered decision of the contract is one reference, not two
		}
		end = m[1]
		problems = append(problems, apiNotesProblem{lineOf(m[0]),
			fmt.Sprintf("%q refers to notes outside the repository: cite a heading of internal/client/API.md instead",
				text[m[0]:m[1]])})
	}
	for _, m := range trackerReference.FindAllStringIndex(text, -1) {
		problems = append(problems, apiNotesProblem{lineOf(m[0]),
			fmt.Sprintf("%q refers to the project's issue tracker, which readers cannot open: say what it is about instead",
				text[m[0]:m[1]])})
	}
	slices.SortStableFunc(problems, func(a, b apiNotesProblem) int { return cmp.Compare(a.line, b.line) })
	return len(matches), problems
}

// apiNotesHeadings returns the headings of a Markdown document, outside fenced code blocks.
func apiNotesHeadings(doc []byte) map[string]bool {
	headings := map[string]bool{}
	fenced := false
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if m := markdownHeading.FindStringSubmatch(line); m != nil && !fenced {
			headings[m[1]] = true
		}
	}
	return headings
}

// headingAnchor is the anchor GitHub gives a heading: lower case, punctuation but hyphens and
// underscores dropped, spaces turned into hyphens.
func headingAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// moduleRoot is the directory of the provider's go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			bytes.Contains(data, []byte("/terraform-provider-visionone\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod of terraform-provider-visionone above the test's directory")
		}
		dir = parent
	}
}
