/*
 * For the TUI help test: print the key table, one binding a line as
 * "NAME<TAB>HELP", so the test can look for each on the help screens.
 */
#include <stdio.h>

#include "keys.h"

int main(void)
{
    size_t n;
    const struct ui_binding *t = ui_bindings(&n);

    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\n", t[i].name, t[i].help);
    return 0;
}
