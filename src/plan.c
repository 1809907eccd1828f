/*
 * plan.c: the activation buffer planner.
 *
 * Every node's output is one buffer in a single arena, alive from the node
 * that writes it to the last node that reads it (to the end for network
 * outputs). A flatten or a reshape that moves no bit is a view: it
 * shares its input's buffer and extends its life, so the input's buffer
 * is not released before the view's last reader. Buffers are placed in execution order, each
 * at the lowest offset where it overlaps no buffer alive at the same time
 * (first fit); a buffer is released after its last reader runs, so a layer
 * never writes over its own input (nor a sign whose bits a fused layer's
 * kernel writes, ir_side_of, over that layer's inputs). The arena size is the peak activation
 * memory that the report prints and the C emitter allocates. Binary
 * tensors are packed per pixel: ceil(C / W) words of W bits.
 */
#include "bnnc.h"

#include <stdlib.h>
#include <string.h>

static int64_t align_up(int64_t v) {
    return (v + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
}

int64_t plan_bytes(const IrNode *n, int word) {
    const Shape *s = &n->shape;
    if (n->type == DT_B1) {
        int64_t c = shape_channels(s), pix = shape_pixels(s);
        return pix * ((c + word - 1) / word) * (word / 8);
    }
    int64_t size = n->type == DT_U8 ? 1 : 4;
    return shape_elems(s) * size;
}

/* A b1 tensor's bits are in row-major order with no gap but at the end
 * when it has one pixel, or whole words per pixel. */
static bool dense_bits(const Shape *s, int word) {
    return shape_pixels(s) == 1 || shape_channels(s) % word == 0;
}

bool plan_is_view(const IrNode *n, int word) {
    if (n->op != OP_FLATTEN && n->op != OP_RESHAPE)
        return false;
    const IrNode *x = n->in[0];
    if (x->type != DT_B1)
        return true;
    /* The same bits: the same channels (so the same pixels), or both
     * without gaps. */
    return shape_channels(&x->shape) == shape_channels(&n->shape) ||
           (dense_bits(&x->shape, word) && dense_bits(&n->shape, word));
}

typedef struct {
    int64_t off, end;
    int id;
} Live;

void plan_graph(Ctx *c, const IrGraph *g, int word, Plan *p) {
    int n = g->nodes.n;
    memset(p, 0, sizeof *p);
    p->n = n;
    p->buf = mem_array(&c->arena, (size_t)n + 1, sizeof(PlanBuf));
    /* Owners and live ranges. */
    for (int i = 0; i < n; i++) {
        const IrNode *x = g->nodes.v[i];
        PlanBuf *b = &p->buf[i];
        b->owner = plan_is_view(x, word) ? p->buf[x->in[0]->id].owner : i;
        b->first = b->last = i;
        b->size = align_up(plan_bytes(x, word));
        for (int k = 0; k < x->nin; k++) {
            PlanBuf *o = &p->buf[p->buf[x->in[k]->id].owner];
            if (o->last < i)
                o->last = i;
        }
        PlanBuf *o = &p->buf[b->owner];
        if (o->last < i)
            o->last = i;
        /* A sign whose bits its producer's kernel writes (ir_side_of):
         * its buffer must not take the place of what that kernel reads. */
        const IrNode *side = ir_side_of(x);
        for (int k = 0; side && k < side->nin; k++) {
            PlanBuf *q = &p->buf[p->buf[side->in[k]->id].owner];
            if (q->last < i)
                q->last = i;
        }
    }
    for (int i = 0; i < g->outputs.n; i++)
        p->buf[p->buf[((IrNode *)g->outputs.v[i])->id].owner].last = n;
    /* First-fit placement in execution order. `live` is sorted by offset. */
    Live *live = xmalloc(((size_t)n + 1) * sizeof *live);
    int nlive = 0;
    int64_t live_bytes = 0;
    for (int i = 0; i < n; i++) {
        PlanBuf *b = &p->buf[i];
        if (b->owner == i) {
            int64_t off = 0;
            int at = 0;
            for (; at < nlive; at++) {
                if (live[at].off - off >= b->size)
                    break;
                if (live[at].end > off)
                    off = live[at].end;
            }
            memmove(&live[at + 1], &live[at], (size_t)(nlive - at) * sizeof *live);
            live[at] = (Live){off, off + b->size, i};
            nlive++;
            b->offset = off;
            live_bytes += b->size;
            if (off + b->size > p->arena)
                p->arena = off + b->size;
            if (live_bytes > p->live_peak)
                p->live_peak = live_bytes;
        } else {
            b->offset = p->buf[b->owner].offset;
            b->size = p->buf[b->owner].size;
        }
        /* Release the buffers whose last reader was this node. */
        int k = 0;
        for (int j = 0; j < nlive; j++) {
            if (p->buf[live[j].id].last <= i) {
                live_bytes -= live[j].end - live[j].off;
                continue;
            }
            live[k++] = live[j];
        }
        nlive = k;
    }
    free(live);
    for (int i = 0; i < n; i++) {
        PlanBuf *b = &p->buf[i];
        if (b->owner != i) {
            b->first = i;
            b->last = p->buf[b->owner].last;
        }
    }
}
