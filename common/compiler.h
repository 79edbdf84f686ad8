/* common/compiler.h — the one spelling of the compiler attributes the
 * project uses. */
#ifndef ECF_COMMON_COMPILER_H
#define ECF_COMMON_COMPILER_H

/* On every fallible function whose error must be looked at. */
#define ECF_WUR __attribute__((warn_unused_result))

#endif
