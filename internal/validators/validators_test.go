package validators

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestDurationBetween(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   types.String
		wantErr bool
	}{
		"seconds":     {value: types.StringValue("30s")},
		"compound":    {value: types.StringValue("1m30s")},
		"the maximum": {value: types.StringValue("10m")},
		"null":        {value: types.StringNull()},
		"unknown":     {value: types.StringUnknown()},
		// timetypes.GoDurationType refuses these before validators run.
		"no unit":       {value: types.StringValue("30")},
		"words":         {value: types.StringValue("thirty seconds")},
		"below minimum": {value: types.StringValue("500ms"), wantErr: true},
		"above maximum": {value: types.StringValue("11m"), wantErr: true},
		"negative":      {value: types.StringValue("-5s"), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			DurationBetween(time.Second, 10*time.Minute).ValidateString(context.Background(), validator.StringRequest{Path: path.Root("request_timeout"), ConfigValue: tc.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantErr {
				t.Errorf("HasError() = %v, want %v (diagnostics: %v)", got, tc.wantErr, resp.Diagnostics)
			}
		})
	}
}

// NotBlank refuses whitespace only, and leaves the empty string to the length validators, which
// say what is wrong with it.
func TestNotBlank(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   types.String
		wantErr bool
	}{
		"a name":            {value: types.StringValue("auditor")},
		"spaces around":     {value: types.StringValue(" auditor ")},
		"empty":             {value: types.StringValue("")},
		"null":              {value: types.StringNull()},
		"unknown":           {value: types.StringUnknown()},
		"a space":           {value: types.StringValue(" "), wantErr: true},
		"tabs and newlines": {value: types.StringValue("\t\n "), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			NotBlank().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name"), ConfigValue: tc.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantErr {
				t.Errorf("HasError() = %v, want %v (diagnostics: %v)", got, tc.wantErr, resp.Diagnostics)
			}
		})
	}
}

// RE2 refuses what regexp.Compile refuses, and says what is wrong in the expression as written.
func TestRE2(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value      types.String
		wantDetail string // "": no error
	}{
		"anchored":      {value: types.StringValue(`^View\b`)},
		"alternatives":  {value: types.StringValue(`^(view|modify)\b`)},
		"empty":         {value: types.StringValue("")},
		"null":          {value: types.StringNull()},
		"unknown":       {value: types.StringUnknown()},
		"unclosed":      {value: types.StringValue("(unclosed"), wantDetail: `name_regex "(unclosed" is not a valid RE2 regular expression: missing closing ) in ` + "`(unclosed`"},
		"repetition":    {value: types.StringValue("view**"), wantDetail: "invalid nested repetition operator in `**`"},
		"escape":        {value: types.StringValue(`\q`), wantDetail: "invalid escape sequence in `\\q`"},
		"lookahead":     {value: types.StringValue(`view(?=s)`), wantDetail: "invalid or unsupported Perl syntax in `(?=`"},
		"class range":   {value: types.StringValue("[z-a]"), wantDetail: "invalid character class range in `z-a`"},
		"nothing first": {value: types.StringValue("*view"), wantDetail: "missing argument to repetition operator in `*`"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			RE2().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name_regex"), ConfigValue: tc.value}, resp)
			if tc.wantDetail == "" {
				if resp.Diagnostics.HasError() {
					t.Errorf("refused: %v", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 || !resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Summary() != "Invalid Regular Expression" || !strings.Contains(d.Detail(), tc.wantDetail) {
				t.Errorf("diagnostic = %q: %q, want Invalid Regular Expression with %q", d.Summary(), d.Detail(), tc.wantDetail)
			}
			if strings.Contains(d.Detail(), "error parsing regexp") {
				t.Errorf("detail %q repeats Go's error prefix", d.Detail())
			}
		})
	}
}
