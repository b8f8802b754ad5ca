'use strict';
/*
 * Sample products as WooCommerce (`product.created`) and Shopify (`products/create`) send them to their
 * n8n triggers, trimmed to the fields the shop examples read plus a few neighbours for realism. Pinned
 * on the trigger nodes by the e2e part i and by `npm run dev`, so the examples run without a shop.
 */

/** WooCommerce REST API v3 product, as in a `product.created` webhook body. */
const wooProducts = () => [
	{
		id: 812,
		name: 'Linen shirt',
		slug: 'linen-shirt',
		permalink: 'https://shop.example.com/product/linen-shirt/',
		date_created: '2026-11-30T09:12:44',
		type: 'simple',
		status: 'publish',
		sku: 'LIN-SHIRT-01',
		price: '39.00',
		regular_price: '39.00',
		sale_price: '',
		short_description: '<p>Breathable linen, made in Portugal.</p>',
		categories: [{ id: 17, name: 'Shirts', slug: 'shirts' }],
		tags: [
			{ id: 31, name: 'Linen', slug: 'linen' },
			{ id: 32, name: 'Été 2026', slug: 'ete-2026' },
		],
		images: [],
	},
	{
		// saved as a draft: the example's filter skips it
		id: 813,
		name: 'Wool scarf',
		slug: 'wool-scarf',
		permalink: 'https://shop.example.com/?post_type=product&p=813',
		date_created: '2026-11-30T09:14:02',
		type: 'simple',
		status: 'draft',
		sku: 'WOOL-SCARF-02',
		price: '25.00',
		regular_price: '25.00',
		sale_price: '',
		short_description: '',
		categories: [],
		tags: [],
		images: [],
	},
];

/** Shopify Admin API product, as in a `products/create` webhook body. */
const shopifyProducts = () => [
	{
		id: 8123456789012,
		title: 'Canvas tote bag',
		body_html: '<p>Organic cotton canvas.</p>',
		vendor: 'Atelier Demo',
		product_type: 'Bags',
		created_at: '2026-11-30T10:02:11+01:00',
		handle: 'canvas-tote-bag',
		status: 'active',
		tags: 'Cotton, Made in France',
		variants: [{ id: 45012345678901, product_id: 8123456789012, title: 'Default Title', price: '24.90', sku: 'TOTE-01' }],
		images: [],
	},
];

/** Pinned data for a trigger node: n8n's `pinData` shape. */
const pinned = (products) => products.map((json) => ({ json }));

/** The caption and video file name the examples must build for a product (what the e2e expects). */
function hashtag(tag) {
	return `#${tag.replace(/[^\p{L}\p{N}_]/gu, '')}`;
}
const expectedWoo = (p) => ({
	file: `${encodeURIComponent(p.sku)}.mp4`,
	caption: `${p.name} – ${p.price} EUR\n${['newin', 'shopsmall', ...p.tags.map((t) => t.name)].map(hashtag).join(' ')}`,
});
const expectedShopify = (p) => ({
	file: `${encodeURIComponent(p.handle)}.mp4`,
	caption: `${p.title} – ${p.variants[0].price} EUR\n${['newin', 'shopsmall', ...p.tags.split(',')]
		.map((t) => t.trim())
		.filter(Boolean)
		.map(hashtag)
		.join(' ')}`,
});

/** Trigger node type -> sample products, for pinning in e2e copies and in `npm run dev`. */
const SAMPLE_PRODUCTS = {
	'n8n-nodes-base.wooCommerceTrigger': wooProducts,
	'n8n-nodes-base.shopifyTrigger': shopifyProducts,
};

module.exports = { wooProducts, shopifyProducts, pinned, expectedWoo, expectedShopify, SAMPLE_PRODUCTS };
