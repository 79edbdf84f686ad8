#include "common/util.h"
#include "tests/tap.h"

#include <stdlib.h>

int main(void)
{
    char buf[128];
    ecf_slug("Ascend 910B", 11, buf, sizeof buf);
    is_str(buf, "ascend-910b", "slug of a chip name");
    ecf_slug("U.S. Department of Commerce", 27, buf, sizeof buf);
    is_str(buf, "us-department-of-commerce", "slug drops dots");
    return done();
}
