import { checkVideoBytes, resolveVideoContentType, sniffVideoContainer } from '../../nodes/TikTok/core/media/mediaType';
import { MP4_HEAD, PNG_HEAD, WEBM_HEAD } from './sourceFixtures';

describe('mediaType', () => {
	it('maps MIME types and extensions', () => {
		expect(resolveVideoContentType({ mimeType: 'video/mp4' })).toBe('video/mp4');
		expect(resolveVideoContentType({ mimeType: 'video/quicktime; charset=binary' })).toBe('video/quicktime');
		expect(resolveVideoContentType({ mimeType: 'VIDEO/WEBM' })).toBe('video/webm');
		expect(resolveVideoContentType({ mimeType: 'video/x-m4v' })).toBe('video/mp4');
		expect(resolveVideoContentType({ mimeType: 'application/octet-stream', fileName: 'a.MOV' })).toBe('video/quicktime');
		expect(resolveVideoContentType({ fileName: 'clip.m4v' })).toBe('video/mp4');
		expect(resolveVideoContentType({ fileName: 'https://x.test/a/b.webm?x=1' })).toBe('video/webm');
		expect(resolveVideoContentType({ mimeType: '', fileExtension: 'mp4' })).toBe('video/mp4');
	});

	it('rejects other types, naming what was given and what is accepted', () => {
		expect(() => resolveVideoContentType({ mimeType: 'video/x-msvideo', fileName: 'a.avi' })).toThrow(
			/type "video\/x-msvideo" and file name "a.avi".*MP4 \(.mp4, .m4v\), MOV \(.mov\) or WebM \(.webm\)/,
		);
		expect(() => resolveVideoContentType({ mimeType: 'image/png', fileName: 'a.mp4' })).toThrow(/image\/png/);
		expect(() => resolveVideoContentType({})).toThrow(/no file type or file name/);
	});

	it('sniffs containers', () => {
		expect(sniffVideoContainer(MP4_HEAD)).toBe('iso-bmff');
		expect(sniffVideoContainer(Buffer.from('0000001466747970717420200000000071742020', 'hex'))).toBe('quicktime');
		expect(sniffVideoContainer(WEBM_HEAD)).toBe('webm');
		expect(sniffVideoContainer(PNG_HEAD)).toBeUndefined();
	});

	it('checks bytes against the label', () => {
		expect(checkVideoBytes(MP4_HEAD, 'video/quicktime')).toBe('video/quicktime');
		expect(checkVideoBytes(WEBM_HEAD, 'video/mp4')).toBe('video/webm');
		expect(checkVideoBytes(MP4_HEAD, 'video/webm')).toBe('video/mp4');
		expect(() => checkVideoBytes(PNG_HEAD, 'video/mp4', 'The binary field "data"')).toThrow(
			/The binary field "data" is labelled video\/mp4 but its content is a PNG image/,
		);
		expect(() => checkVideoBytes(Buffer.from('<!DOCTYPE html><html>'), 'video/mp4')).toThrow(/HTML page/);
		expect(() => checkVideoBytes(Buffer.alloc(0), 'video/mp4')).toThrow(/not an MP4, MOV or WebM video/);
	});
});
