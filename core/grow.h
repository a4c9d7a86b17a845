/*
 * mcscope core, private: growing an array by one item (not installed).
 */
#ifndef MCSCOPE_GROW_H
#define MCSCOPE_GROW_H

#include <stdlib.h>

/*
 * Room for one more item in an array of n items of elem bytes with
 * capacity *cap: returns the array (moved when it had to grow), or NULL
 * when out of memory (the old array is untouched).
 */
static inline void *mc__grown(void *arr, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return arr;
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(arr, ncap * elem);
    if (p != NULL)
        *cap = ncap;
    return p;
}

#endif
