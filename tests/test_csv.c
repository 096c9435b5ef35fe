/* The CSV table reader: quoting, line ends, the byte-order mark, comments,
 * columns counted in characters, rows of the wrong length, the column map
 * and every cell accessor, each error naming FILE:LINE:COLUMN and the
 * column. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "sprsim/csv.h"
#include "sprsim/scenario.h"
#include "tempfile.h"

static char path[64];

/* Parses text from a temporary file; the file stays in path until the next call. */
static int parse_text(const char *text, spr_csv *t, spr_error *err)
{
    remove(path);
    if (!temp_file_with(text, strlen(text), path, sizeof path)) return SPR_ERR_IO;
    return spr_csv_read(path, "test.file", t, err);
}

/* err.msg holds "PATH:LINE:COL: " followed (somewhere) by what. */
static int says(const spr_error *err, int line, int col, const char *what)
{
    char at[128];
    snprintf(at, sizeof at, "%s:%d:%d: ", path, line, col);
    return strncmp(err->msg, at, strlen(at)) == 0 && strstr(err->msg, what) != NULL;
}

/* The text must be refused with SPR_ERR_SCENARIO at line:col saying what. */
static void expect_refused(const char *text, int line, int col, const char *what)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text(text, &t, &err);
    CHECK(rc == SPR_ERR_SCENARIO && says(&err, line, col, what), "%s: want %d:%d '%s', got %d: %s", text, line, col, what, rc, err.msg);
    CHECK(t.header == NULL && t.bytes == NULL && t.text == NULL, "nothing left allocated after an error");
}

static void test_quoting(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("name,n\n\"Kita walking club, Tuesdays\",1\n\"say \"\"hi\"\"\" , 2\n\"\",3\n", &t, &err);
    CHECK(rc == SPR_OK, "quoted cells: %s", err.msg);
    if (rc != SPR_OK) return;
    CHECK(t.n_columns == 2 && t.n_rows == 3, "%d columns, %zu rows", t.n_columns, t.n_rows);
    CHECK(strcmp(spr_csv_at(&t, 0, 0)->text, "Kita walking club, Tuesdays") == 0, "comma inside quotes: %s", spr_csv_at(&t, 0, 0)->text);
    CHECK(strcmp(spr_csv_at(&t, 1, 0)->text, "say \"hi\"") == 0, "doubled quotes: %s", spr_csv_at(&t, 1, 0)->text);
    CHECK(spr_csv_at(&t, 1, 1)->column == 16 && strcmp(spr_csv_at(&t, 1, 1)->text, "2") == 0, "after a quoted cell: column %d",
          spr_csv_at(&t, 1, 1)->column);
    CHECK(spr_csv_blank(&t, 2, 0) && !spr_csv_blank(&t, 2, 1), "an empty quoted cell is blank");
    CHECK(spr_csv_at(&t, 0, 1)->line == 2 && spr_csv_at(&t, 0, 1)->column == 31, "line %d column %d", spr_csv_at(&t, 0, 1)->line,
          spr_csv_at(&t, 0, 1)->column);
    spr_csv_free(&t);
}

static void test_line_ends_bom_comments(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("\xEF\xBB\xBF# a comment\r\n\r\n  # another\r\nname , x\r\n\r\n  a  ,  1 \r\nb,\t2", &t, &err);
    CHECK(rc == SPR_OK, "CRLF, BOM, comments: %s", err.msg);
    if (rc != SPR_OK) return;
    CHECK(t.n_rows == 2 && strcmp(t.header[0].text, "name") == 0 && strcmp(t.header[1].text, "x") == 0, "header '%s','%s'",
          t.header[0].text, t.header[1].text);
    CHECK(t.header[0].line == 4 && t.header[1].column == 8, "header at %d:%d", t.header[0].line, t.header[1].column);
    const spr_csv_cell *a = spr_csv_at(&t, 0, 0), *one = spr_csv_at(&t, 0, 1), *two = spr_csv_at(&t, 1, 1);
    CHECK(strcmp(a->text, "a") == 0 && a->line == 6 && a->column == 3, "trimmed 'a' at %d:%d: '%s'", a->line, a->column, a->text);
    CHECK(strcmp(one->text, "1") == 0 && one->column == 9, "trimmed '1' at column %d: '%s'", one->column, one->text);
    CHECK(strcmp(two->text, "2") == 0 && two->line == 7, "last line without a newline: '%s' line %d", two->text, two->line);
    CHECK(t.n_bytes == strlen("\xEF\xBB\xBF# a comment\r\n\r\n  # another\r\nname , x\r\n\r\n  a  ,  1 \r\nb,\t2"),
          "the bytes are kept as read (BOM included): %zu", t.n_bytes);
    spr_csv_free(&t);
}

/* Columns count characters, as YAML errors do: a two-character Japanese name is two columns. */
static void test_columns_in_characters(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("名前,n\n北区,x\n", &t, &err);
    CHECK(rc == SPR_OK, "UTF-8 names: %s", err.msg);
    if (rc != SPR_OK) return;
    CHECK(spr_csv_at(&t, 0, 1)->column == 4, "column of the cell after 北区: %d", spr_csv_at(&t, 0, 1)->column);
    int64_t v;
    rc = spr_csv_whole(&t, 0, 1, 0, 10, &v, &err);
    CHECK(rc == SPR_ERR_SCENARIO && says(&err, 2, 4, "column 'n': 'x' is not a whole number; allowed: a whole number from 0 to 10"), "%s",
          err.msg);
    spr_csv_free(&t);
}

static void test_syntax_errors(void)
{
    expect_refused("a,b\n1,2,3\n", 2, 5, "the row has 3 cells, the header (line 1) has 2; allowed: one cell per column: a, b");
    expect_refused("a,b,c\n1,2\n", 2, 4, "the row has 2 cells, the header (line 1) has 3; allowed: one cell per column: a, b, c");
    expect_refused("a,b\n1,2\n3\n", 3, 2, "the row has 1 cells");
    expect_refused("a,b\n\"open,2\n", 2, 1, "the quote opened here is not closed on its line");
    expect_refused("a,b\n\"x\" y,2\n", 2, 5, "text after a closing quote");
    expect_refused("a,b\nx\"y,2\n", 2, 2, "a quote inside an unquoted cell");
    expect_refused("a,b\n\x96\x6B\x8B\xE6,2\n", 2, 1, "not UTF-8 text"); /* 北区 in Shift_JIS */
    expect_refused("a,b\n1,\x01\n", 2, 3, "a control character (byte 0x01)");
    expect_refused("a,b\n1,2\r3\n", 2, 4, "a control character (byte 0x0D)");
    expect_refused("a,,c\n1,2,3\n", 1, 3, "a column without a name");
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("# only a comment\n\n", &t, &err);
    char want[128];
    snprintf(want, sizeof want, "%s: no header line", path);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, want) == err.msg, "empty table: %s", err.msg);
}

static void test_file_errors(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = spr_csv_read("/nonexistent/x.csv", "municipality.groups_file", &t, &err);
    CHECK(rc == SPR_ERR_IO &&
              strcmp(err.msg, "/nonexistent/x.csv: cannot open: No such file or directory (named by municipality.groups_file)") == 0,
          "missing file: %s", err.msg);
    rc = spr_csv_read("/tmp", NULL, &t, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strcmp(err.msg, "/tmp: cannot open: is a directory") == 0, "directory: %s", err.msg);
    rc = spr_csv_read("/dev/null", NULL, &t, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "not a regular file") != NULL, "device: %s", err.msg);
    /* one byte over the limit (a sparse file: nothing is written) */
    remove(path);
    CHECK(temp_file_with("", 0, path, sizeof path) && truncate(path, SPR_CSV_MAX_BYTES + 1) == 0, "large file %s", path);
    rc = spr_csv_read(path, NULL, &t, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "larger than 16 MiB") != NULL, "large file: %s", err.msg);
}

static void test_column_map(void)
{
    spr_csv t;
    spr_error err = {0};
    static const char *const names[] = {"district", "sex", "team", "fte"};
    int idx[4];
    int rc = parse_text("sex,district,fte\nmale,Kita,1\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    rc = spr_csv_columns(&t, names, 4, 2, idx, &err);
    CHECK(rc == SPR_OK && idx[0] == 1 && idx[1] == 0 && idx[2] == -1 && idx[3] == 2, "map %d %d %d %d: %s", idx[0], idx[1], idx[2], idx[3],
          err.msg);
    CHECK(spr_csv_blank(&t, 0, idx[2]) && !spr_csv_blank(&t, 0, idx[3]), "an absent optional column reads blank");
    rc = spr_csv_columns(&t, names, 4, 3, idx, &err); /* team now required */
    CHECK(rc == SPR_ERR_SCENARIO && says(&err, 1, 1, "missing column 'team'; the columns are: district, sex, team (optional: fte)"), "%s",
          err.msg);
    spr_csv_free(&t);

    rc = parse_text("district,sexx\nKita,male\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    rc = spr_csv_columns(&t, names, 4, 2, idx, &err);
    CHECK(rc == SPR_ERR_SCENARIO && says(&err, 1, 10, "unknown column 'sexx' (did you mean 'sex'?); allowed: district, sex, team, fte"),
          "%s", err.msg);
    spr_csv_free(&t);

    rc = parse_text("district,sex,district\nKita,male,Kita\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    rc = spr_csv_columns(&t, names, 4, 2, idx, &err);
    CHECK(rc == SPR_ERR_SCENARIO && says(&err, 1, 14, "column 'district' is given twice (first at column 1)"), "%s", err.msg);
    spr_csv_free(&t);
}

static void test_whole(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("n,m\n42,+7\n2.5,-1\n,1e3\n99999999999999999999,0\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    int64_t v = -5;
    CHECK(spr_csv_whole(&t, 0, 0, 0, 100, &v, &err) == SPR_OK && v == 42, "42: %lld %s", (long long)v, err.msg);
    CHECK(spr_csv_whole(&t, 0, 1, 0, 100, &v, &err) == SPR_OK && v == 7, "+7: %lld", (long long)v);
    CHECK(spr_csv_whole(&t, 1, 0, 0, 100, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 3, 1, "column 'n': '2.5' is not a whole number; allowed: a whole number from 0 to 100"),
          "%s", err.msg);
    CHECK(spr_csv_whole(&t, 1, 1, 0, 100, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 3, 5, "column 'm': '-1' is out of range; allowed: a whole number from 0 to 100"),
          "%s", err.msg);
    CHECK(spr_csv_whole(&t, 2, 0, 0, 100, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 4, 1, "column 'n': the cell is blank; allowed: a whole number from 0 to 100"),
          "%s", err.msg);
    CHECK(spr_csv_whole(&t, 2, 1, 0, 10000, &v, &err) == SPR_ERR_SCENARIO && says(&err, 4, 2, "'1e3' is not a whole number"), "%s",
          err.msg);
    CHECK(spr_csv_whole(&t, 3, 0, 0, 100, &v, &err) == SPR_ERR_SCENARIO && says(&err, 5, 1, "'99999999999999999999' is out of range"), "%s",
          err.msg);
    CHECK(v == 7, "a failed read leaves the value alone");
    spr_csv_free(&t);
}

static void test_number(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("x,y\n0.25,1e-1\nabc,inf\n0x10,1.5\n0,nan\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    double v = -1;
    spr_csv_bounds share = {0, 1, 0}, positive = {0, 10, 1};
    CHECK(spr_csv_number(&t, 0, 0, share, &v, &err) == SPR_OK && v == 0.25, "0.25: %g", v);
    CHECK(spr_csv_number(&t, 0, 1, share, &v, &err) == SPR_OK && v == 0.1, "1e-1: %g", v);
    CHECK(spr_csv_number(&t, 1, 0, share, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 3, 1, "column 'x': 'abc' is not a number; allowed: a number from 0 to 1"),
          "%s", err.msg);
    CHECK(spr_csv_number(&t, 1, 1, share, &v, &err) == SPR_ERR_SCENARIO && says(&err, 3, 5, "column 'y': 'inf' is not a number"), "%s",
          err.msg);
    CHECK(spr_csv_number(&t, 2, 0, positive, &v, &err) == SPR_ERR_SCENARIO && says(&err, 4, 1, "'0x10' is not a number"), "%s", err.msg);
    CHECK(spr_csv_number(&t, 2, 1, share, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 4, 6, "column 'y': '1.5' is out of range; allowed: a number from 0 to 1"),
          "%s", err.msg);
    CHECK(spr_csv_number(&t, 3, 0, share, &v, &err) == SPR_OK && v == 0, "0 is in [0, 1]");
    CHECK(spr_csv_number(&t, 3, 0, positive, &v, &err) == SPR_ERR_SCENARIO &&
              says(&err, 5, 1, "column 'x': '0' is out of range; allowed: a number above 0 and at most 10"),
          "%s", err.msg);
    CHECK(spr_csv_number(&t, 3, 1, share, &v, &err) == SPR_ERR_SCENARIO && says(&err, 5, 3, "'nan' is not a number"), "%s", err.msg);
    spr_csv_free(&t);
}

static void test_choice(void)
{
    spr_csv t;
    spr_error err = {0};
    int rc = parse_text("type\nsalon\nhobbby\n\nculture \n\"\"\n", &t, &err);
    if (rc != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    const char *allowed = "exercise, hobby, salon, volunteering, culture";
    int k = -1;
    CHECK(spr_csv_choice(&t, 0, 0, allowed, &k, &err) == SPR_OK && k == 2, "salon: %d", k);
    CHECK(
        spr_csv_choice(&t, 1, 0, allowed, &k, &err) == SPR_ERR_SCENARIO &&
            says(&err, 3, 1,
                 "column 'type': 'hobbby' is not allowed (did you mean 'hobby'?); allowed: exercise, hobby, salon, volunteering, culture"),
        "%s", err.msg);
    CHECK(spr_csv_choice(&t, 2, 0, allowed, &k, &err) == SPR_OK && k == 4, "trimmed 'culture ': %d", k);
    CHECK(spr_csv_choice(&t, 3, 0, allowed, &k, &err) == SPR_ERR_SCENARIO &&
              says(&err, 6, 1, "column 'type': the cell is blank; allowed: exercise"),
          "%s", err.msg);
    CHECK(spr_csv_fail(&t, 0, 0, &err, "custom %d", 7) == SPR_ERR_SCENARIO && says(&err, 2, 1, "column 'type': custom 7"), "%s", err.msg);
    spr_csv_free(&t);
}

static void test_hash(void)
{
    /* the published FNV-1a 64 test vectors, and the scenario hash's own */
    CHECK(spr_fnv1a64_bytes(SPR_FNV1A64_BASIS, "", 0) == 0xcbf29ce484222325ull, "empty");
    CHECK(spr_fnv1a64_bytes(SPR_FNV1A64_BASIS, "a", 1) == 0xaf63dc4c8601ec8cull, "'a'");
    CHECK(spr_fnv1a64_bytes(spr_fnv1a64_bytes(SPR_FNV1A64_BASIS, "foo", 3), "bar", 3) == spr_hash_fnv1a64("foobar"),
          "continued over two pieces = the hash of the whole");
}

int main(void)
{
    test_quoting();
    test_line_ends_bom_comments();
    test_columns_in_characters();
    test_syntax_errors();
    test_file_errors();
    test_column_map();
    test_whole();
    test_number();
    test_choice();
    test_hash();
    remove(path);
    TEST_MAIN_END();
}
