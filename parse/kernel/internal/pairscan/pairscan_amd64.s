#include "textflag.h"

// func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int)
//
// Finds the first i where data[i], data[i+1] may be one of the pairs of tab,
// 32 bytes per step, by nibble lookups (VPSHUFB): for every set of up to 8
// pairs, bit k of lo1[data[i]&15] & hi1[data[i]>>4] & lo2[data[i+1]&15] &
// hi2[data[i+1]>>4] is set when data[i:i+2] can be pair k of the set. Every
// pair is reported; some other byte pairs are too (the caller compares).
// pos is that i or -1; scanned is the offset below which every i has been
// checked (the caller checks the tail).
// Layout of pairTab: t [4][4][32]byte at 0 (lo1, hi1, lo2, hi2 per set,
// each 16-byte table repeated in both lanes), nsets at 512.
TEXT ·pairScanAVX2(SB), NOSPLIT, $0-48
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), DX
	MOVQ tab+24(FP), DI
	MOVQ 512(DI), CX
	XORQ AX, AX
	SUBQ $33, DX          // i may go up to len-33 (loads i..i+32)
	JL   none
	MOVQ $0x0f0f0f0f0f0f0f0f, R11
	MOVQ R11, X15
	VPBROADCASTQ X15, Y15

loop:
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU 1(SI)(AX*1), Y1
	VPSRLW  $4, Y0, Y2
	VPAND   Y15, Y2, Y2       // hi nibbles of data[i]
	VPAND   Y15, Y0, Y0       // lo nibbles of data[i]
	VPSRLW  $4, Y1, Y3
	VPAND   Y15, Y3, Y3       // hi nibbles of data[i+1]
	VPAND   Y15, Y1, Y1       // lo nibbles of data[i+1]
	VPXOR   Y4, Y4, Y4
	MOVQ    DI, R8
	MOVQ    CX, R9

sets:
	VMOVDQU (R8), Y5
	VPSHUFB Y0, Y5, Y5
	VMOVDQU 32(R8), Y6
	VPSHUFB Y2, Y6, Y6
	VPAND   Y5, Y6, Y5
	VMOVDQU 64(R8), Y7
	VPSHUFB Y1, Y7, Y7
	VMOVDQU 96(R8), Y8
	VPSHUFB Y3, Y8, Y8
	VPAND   Y7, Y8, Y7
	VPAND   Y5, Y7, Y5
	VPOR    Y5, Y4, Y4
	ADDQ    $128, R8
	DECQ    R9
	JNZ     sets

	VPTEST  Y4, Y4
	JNZ     found
	ADDQ    $32, AX
	CMPQ    AX, DX
	JLE     loop

none:
	VZEROUPPER
	MOVQ $-1, pos+32(FP)
	MOVQ AX, scanned+40(FP)
	RET

found:
	VPXOR     Y5, Y5, Y5
	VPCMPEQB  Y5, Y4, Y4      // 0xff where no pair
	VPMOVMSKB Y4, BX
	NOTL      BX
	BSFL      BX, BX
	ADDQ      BX, AX
	VZEROUPPER
	MOVQ AX, pos+32(FP)
	MOVQ AX, scanned+40(FP)
	RET
