/* Unit tests: ui number formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "format.h"

static void expect_si(double v, const char *want)
{
    char buf[32];

    assert_string_equal(ui_format_si(v, true, buf, sizeof buf), want);
}

static void test_small_values(void **state)
{
    (void)state;
    expect_si(0, "0");
    expect_si(200, "200");
    expect_si(999, "999");
    expect_si(1.5, "1.50");
    expect_si(12.25, "12.2");
}

static void test_suffixes(void **state)
{
    (void)state;
    expect_si(1000, "1.00k");
    expect_si(18200, "18.2k");
    expect_si(102000, "102k");
    expect_si(999499, "999k");
    expect_si(999500, "1.00M");
    expect_si(1500000, "1.50M");
    expect_si(2.5e9, "2.50G");
    expect_si(-18200, "-18.2k");
}

static void test_unknown(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(ui_format_si(5, false, buf, sizeof buf), UI_UNKNOWN);
    assert_string_equal(ui_format_si(NAN, true, buf, sizeof buf), UI_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_values),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
