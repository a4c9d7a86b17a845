/*
 * libFuzzer target: the SAP and SDP parsers and the sessions table
 * (core/sap.c, core/sap_table.c).
 *
 * The first byte chooses what the rest is: even, a SAP packet (fed to a
 * small table, so that announcements, changes, deletions and the cap are
 * all reached); odd, an SDP description alone.  After each parse every
 * text field must be a NUL-terminated string of printable ASCII within
 * its buffer, the group multicast, the port 1..65535, the sources at most
 * MC_SDP_SOURCES_MAX, and the table at most its cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/sap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);

    if (n == cap)
        abort();
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] >= 0x7f)
            abort();
}

static void check_sdp(const struct mc_sdp *d)
{
    check_text(d->name, sizeof d->name);
    check_text(d->origin, sizeof d->origin);
    check_text(d->media, sizeof d->media);
    if (!mc_addr_is_multicast(&d->group) || d->port == 0 ||
        d->nsources > MC_SDP_SOURCES_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mc_sap_table *t;
    struct mc_sap_session s;
    struct mc_sdp d;
    const char *why = NULL;
    char cmd[256];

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        if (mc_sdp_parse((const char *)data + 1, size - 1, &d, &why) == 0)
            check_sdp(&d);
        else if (why == NULL)
            abort();
        return 0;
    }
    if (t == NULL && mc_sap_table_new(4, &t) < 0)
        abort();
    switch (mc_sap_table_feed(t, "lab0", data + 1, size - 1, (int64_t)size, &s,
                              &why)) {
    case MC_SAP_NEW:
    case MC_SAP_CHANGED:
    case MC_SAP_REFRESH:
    case MC_SAP_DELETED:
        check_sdp(&s.sdp);
        if (mc_sap_join_command(&s, cmd, sizeof cmd) > 0)
            check_text(cmd, sizeof cmd);
        break;
    default:
        break;
    }
    if (mc_sap_table_count(t) > 4)
        abort();
    mc_sap_table_expire(t, (int64_t)size);
    return 0;
}
